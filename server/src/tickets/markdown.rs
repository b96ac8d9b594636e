//! Ticket text is Markdown; what reaches a browser is HTML sanitized with an
//! allowlist, so `inner_html` only ever receives safe markup.

use pulldown_cmark::{html, Options, Parser};
use std::collections::HashSet;

pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        // Remote images would leak who reads a ticket, and when.
        .rm_tags(["img"])
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html = render("**Printer** is *down*:\n\n- tray 1\n- tray 2\n\n`lpstat -p`");
        assert!(html.contains("<strong>Printer</strong>"));
        assert!(html.contains("<li>tray 1</li>"));
        assert!(html.contains("<code>lpstat -p</code>"));
    }

    #[test]
    fn strips_scripts_styles_frames_svg_and_event_handlers() {
        let html = render(
            "<script>alert(1)</script><style>body{}</style><iframe src=x></iframe>\
             <svg onload=alert(1)></svg><math></math><p onclick=\"x()\">hi</p>",
        );
        for banned in [
            "<script", "alert(1)", "<style", "<iframe", "<svg", "<math", "onclick", "onload",
        ] {
            assert!(!html.contains(banned), "{banned} survived in {html}");
        }
        assert!(html.contains("hi"));
    }

    #[test]
    fn links_keep_only_safe_schemes_and_never_open_the_opener() {
        let html = render("[a](javascript:alert(1)) [b](https://example.com) [c](mailto:x@example.com) [d](data:text/html,x)");
        assert!(!html.contains("javascript:") && !html.contains("data:"));
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("href=\"mailto:x@example.com\""));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }

    #[test]
    fn images_are_dropped() {
        assert!(!render("![pixel](https://tracker.example/p.gif)").contains("<img"));
    }
}
