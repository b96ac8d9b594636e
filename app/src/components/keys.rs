//! Keyboard shortcuts of the agent workspace: j/k move through a queue,
//! Enter opens the selected ticket, r starts a reply and n a note. They only
//! exist once the app has hydrated; every action also has a visible control.

/// A key the workspace reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    Previous,
    Open,
    Reply,
    Note,
    /// Focus the assignee picker of a ticket.
    Assign,
    /// Show or hide the list of shortcuts.
    Help,
    /// Close the list of shortcuts.
    Dismiss,
}

impl Shortcut {
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "j" => Some(Self::Next),
            "k" => Some(Self::Previous),
            "Enter" => Some(Self::Open),
            "r" => Some(Self::Reply),
            "n" => Some(Self::Note),
            "a" => Some(Self::Assign),
            "?" => Some(Self::Help),
            "Escape" => Some(Self::Dismiss),
            _ => None,
        }
    }
}

/// The selection after a j/k press in a list of `len` rows.
pub fn move_selection(current: Option<usize>, len: usize, shortcut: Shortcut) -> Option<usize> {
    if len == 0 {
        return None;
    }
    match (shortcut, current) {
        (Shortcut::Next, None) | (Shortcut::Previous, None) => Some(0),
        (Shortcut::Next, Some(i)) => Some((i + 1).min(len - 1)),
        (Shortcut::Previous, Some(i)) => Some(i.saturating_sub(1)),
        (_, other) => other,
    }
}

/// Calls `handle` for shortcut keys pressed outside form fields and without
/// modifier keys (so typing and browser shortcuts are never taken over).
pub fn on_shortcut(handle: impl Fn(Shortcut) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::{on_cleanup, window_event_listener};
        use wasm_bindgen::JsCast;
        let listener = window_event_listener(leptos::ev::keydown, move |event| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let tag = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| el.tag_name())
                .unwrap_or_default();
            // Typing is never taken over; a focused link or button keeps
            // its own Enter (other keys still work after clicking a row).
            let typing = matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT");
            let activating = matches!(tag.as_str(), "BUTTON" | "A") && event.key() == "Enter";
            if typing || activating {
                return;
            }
            if let Some(shortcut) = Shortcut::from_key(&event.key()) {
                event.prevent_default();
                handle(shortcut);
            }
        });
        on_cleanup(move || listener.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = handle;
}

/// Puts the cursor in the ticket's assignee picker.
pub fn start_assigning() {
    #[cfg(feature = "hydrate")]
    if let Some(select) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("ticket-assignee"))
    {
        use wasm_bindgen::JsCast;
        if let Ok(select) = select.dyn_into::<web_sys::HtmlElement>() {
            let _ = select.focus();
        }
    }
}

/// Every shortcut, for the help overlay, in the order agents meet them.
pub const SHORTCUTS: [(&str, &str); 7] = [
    ("j / k", "Next / previous ticket in a queue"),
    ("Enter", "Open the selected ticket"),
    ("r", "Reply to the customer"),
    ("n", "Write an internal note"),
    ("a", "Assign the ticket"),
    ("?", "Show or hide these shortcuts"),
    ("Esc", "Close this list"),
];

/// The list of shortcuts, shown with `?` and closed with `?`, Esc or its
/// button. Pages pass the signal their shortcut handler toggles.
#[leptos::prelude::component]
pub fn ShortcutHelp(open: leptos::prelude::RwSignal<bool>) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    move || {
        open.get().then(|| {
            view! {
                <div class="shortcut-help" role="dialog" aria-modal="false" aria-labelledby="shortcut-help-title">
                    <h2 id="shortcut-help-title" class="panel-title">"Keyboard shortcuts"</h2>
                    <dl>
                        {SHORTCUTS
                            .into_iter()
                            .map(|(keys, what)| view! { <dt><kbd>{keys}</kbd></dt><dd>{what}</dd> })
                            .collect_view()}
                    </dl>
                    <button type="button" class="btn btn-secondary btn-small" on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </div>
            }
        })
    }
}

/// What every page with shortcuts does with Help and Dismiss.
pub fn toggle_help(open: leptos::prelude::RwSignal<bool>, shortcut: Shortcut) {
    use leptos::prelude::*;
    match shortcut {
        Shortcut::Help => open.update(|o| *o = !*o),
        Shortcut::Dismiss => open.set(false),
        _ => {}
    }
}

/// Puts the cursor in the reply box, as a public reply or an internal note.
pub fn start_message(internal: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(check) = document
            .get_element_by_id("reply-internal")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            check.set_checked(internal);
        }
        if let Some(body) = document
            .get_element_by_id("reply-body")
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            let _ = body.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = internal;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn j_and_k_move_within_the_list() {
        assert_eq!(move_selection(None, 3, Shortcut::Next), Some(0));
        assert_eq!(move_selection(Some(0), 3, Shortcut::Next), Some(1));
        assert_eq!(move_selection(Some(2), 3, Shortcut::Next), Some(2));
        assert_eq!(move_selection(Some(0), 3, Shortcut::Previous), Some(0));
        assert_eq!(move_selection(Some(2), 3, Shortcut::Previous), Some(1));
        assert_eq!(move_selection(Some(1), 0, Shortcut::Next), None);
        assert_eq!(move_selection(Some(1), 3, Shortcut::Open), Some(1));
    }

    #[test]
    fn only_our_keys_are_shortcuts() {
        assert_eq!(Shortcut::from_key("j"), Some(Shortcut::Next));
        assert_eq!(Shortcut::from_key("J"), None);
        assert_eq!(Shortcut::from_key("a"), Some(Shortcut::Assign));
        assert_eq!(Shortcut::from_key("?"), Some(Shortcut::Help));
        assert_eq!(Shortcut::from_key("x"), None);
    }
}
