//! Plain TCP transport.

use std::io;

use tokio::net::TcpStream;

use super::{Reader, Writer};

/// Connects to `host:port`, trying each address the name resolves to.
pub(crate) async fn connect_tcp(host: &str, port: u16) -> io::Result<(Reader, Writer)> {
    let stream = TcpStream::connect((host, port)).await?;
    stream.set_nodelay(true)?;
    let (r, w) = stream.into_split();
    Ok((Reader::Tcp(r), Writer::Tcp(w)))
}
