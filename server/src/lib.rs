//! urne-server: the voting server.
