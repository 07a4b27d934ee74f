//! `urne-server demo [--listen ADDR] [--data DIR] [--electors N]`: the normal server with a
//! demonstration election, voting open (the logic is [`crate::demo`]). Every option of `serve`
//! applies; the demo refuses a data directory that holds other elections.

use clap::Args;

use super::serve::ServeArgs;
use crate::demo::{self, AdminTarget, Tools};

/// `urne-server demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// The server's options, as for `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Electors on the demonstration roll (16 to 50 000; default 50). Ignored when the data
    /// directory already holds the demonstration.
    #[arg(long)]
    pub electors: Option<usize>,
}

impl DemoArgs {
    /// Starts the server, creates (or finds again) the demonstration, prints what to do, and
    /// serves until SIGINT/SIGTERM.
    pub async fn run(&self) -> anyhow::Result<()> {
        let s = &self.serve;
        s.check()?;
        super::serve::create_data_dir(&s.data)?;
        // Absolute, so that the printed commands work from any directory.
        let data = std::fs::canonicalize(&s.data)?;
        let serve = ServeArgs {
            data: data.clone(),
            ..s.clone()
        };
        let tools = Tools::locate()?;
        let running = crate::server::start(serve.config(), true).await?;
        let state = &running.state;
        let demo = match demo::prepare(&state.db, &state.keys, &data, self.electors).await {
            Ok(d) => d,
            Err(e) => {
                let _ = running.stop().await;
                return Err(e);
            }
        };
        let url = s
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", running.addr));
        let admin = AdminTarget {
            data,
            database_url: s.database_url.clone(),
            server_key: s.server_key.clone(),
            ordre_key: s.ordre_key.clone(),
        };
        print!("{}", demo::render(&demo, url.trim_end_matches('/'), &tools, &admin));
        // The test and scripts read the output through a pipe: show it now, not at exit.
        std::io::Write::flush(&mut std::io::stdout())?;
        running.wait().await?;
        Ok(())
    }
}
