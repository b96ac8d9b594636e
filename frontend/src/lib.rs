//! The browser entry point: hydrates the server-rendered page and marks the
//! body so that tests (and styles) know the app is interactive.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        // Ignoring the result is fine: the marker only helps tests wait.
        let _ = body.set_attribute("data-hydrated", "");
    }
}
