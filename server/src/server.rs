//! Starting a server: database, keys, appender, close scheduler, HTTP listener. What
//! `urne-server serve` runs, and what the integration tests start on a free port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::close;
use crate::db::Db;
use crate::election::Elections;
use crate::keys::ServerKeys;
use crate::web::{self, AppState, WebConfig};

/// Everything a server needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Server key file (heads, receipts).
    pub server_key: PathBuf,
    /// Ordre key file (proxies, close).
    pub ordre_key: PathBuf,
    /// The web layer's settings.
    pub web: WebConfig,
    /// How often the close scheduler looks for elections to close.
    pub close_every: Duration,
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// Its state (database, keys…), for in-process set-up.
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    http: tokio::task::JoinHandle<std::io::Result<()>>,
    scheduler: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting connections, lets the requests in flight finish, stops the scheduler.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.scheduler.abort();
        let r = (&mut self.http)
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.state.db.close().await;
        r
    }

    /// Waits until the HTTP server ends (on Ctrl-C or SIGTERM for `serve`).
    pub async fn wait(mut self) -> std::io::Result<()> {
        let r = (&mut self.http)
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.scheduler.abort();
        self.state.db.close().await;
        r
    }
}

/// Connects, migrates, loads or creates the keys, and serves until [`Running::stop`] (or, with
/// `stop_on_signal`, SIGINT/SIGTERM).
pub async fn start(config: ServeConfig, stop_on_signal: bool) -> anyhow::Result<Running> {
    let db = Db::connect(&config.database_url).await?;
    let keys = Arc::new(ServerKeys::load_or_create(
        &config.server_key,
        &config.ordre_key,
    )?);
    let elections = Elections::default();
    let state = AppState::new(
        db.clone(),
        keys.clone(),
        elections.clone(),
        config.web.clone(),
    );
    let scheduler = close::spawn_scheduler(db, keys, elections, config.close_every);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let router = web::router(state.clone());
    let http = tokio::spawn(web::serve(listener, router, async move {
        if stop_on_signal {
            tokio::select! {
                _ = rx => {}
                _ = shutdown_signal() => {}
            }
        } else {
            let _ = rx.await;
        }
    }));
    tracing::info!(%addr, "serveur prêt");
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        http,
        scheduler,
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("arrêt demandé");
}
