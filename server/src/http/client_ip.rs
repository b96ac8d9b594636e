//! Establishes the client address for rate limits: the peer address, or the
//! nearest untrusted X-Forwarded-For entry when the peer is a configured
//! proxy.

use crate::config::Config;
use app::api::backend::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub async fn resolve(State(config): State<Arc<Config>>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let ip = client_ip(peer, forwarded, &config.trusted_proxies);
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

fn client_ip(peer: IpAddr, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let chain = forwarded
        .unwrap_or("")
        .split(',')
        .filter_map(|s| s.trim().parse::<IpAddr>().ok());
    chain.rev().find(|ip| !trusted.contains(ip)).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_ip(peer, Some("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn nearest_untrusted_hop_wins_behind_a_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let ip = client_ip(proxy, Some("6.6.6.6, 198.51.100.7, 10.0.0.1"), &[proxy]);
        assert_eq!(ip, "198.51.100.7".parse::<IpAddr>().unwrap());
    }
}
