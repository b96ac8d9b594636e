//! The admin console: people and roles, groups, categories, business
//! calendars, SLA policies and escalation matrices.

mod calendars;
mod categories;
mod escalations;
mod groups;
mod sla;
mod users;

pub use calendars::AdminCalendars;
pub use categories::AdminCategories;
pub use escalations::AdminEscalations;
pub use groups::AdminGroups;
pub use sla::AdminSla;
pub use users::AdminUsers;

use crate::components::guard::Guarded;
use crate::domain::Action;
use leptos::prelude::*;

const SECTIONS: [(&str, &str, &str); 6] = [
    ("users", "/admin", "Users"),
    ("groups", "/admin/groups", "Groups"),
    ("categories", "/admin/categories", "Categories"),
    ("calendars", "/admin/calendars", "Calendars"),
    ("sla", "/admin/sla", "SLA policies"),
    ("escalations", "/admin/escalations", "Escalations"),
];

/// The console's frame: the admin guard and the section navigation.
#[component]
fn AdminPage(current: &'static str, children: ChildrenFn) -> impl IntoView {
    view! {
        <Guarded action=Action::UseAdminConsole refusal="The admin console is for admins.">
            <div class="workspace">
                <aside class="sidebar">
                    <nav class="sidenav" aria-label="Admin">
                        {SECTIONS
                            .into_iter()
                            .map(|(key, href, label)| view! {
                                <a href=href aria-current=(key == current).then_some("page")>{label}</a>
                            })
                            .collect_view()}
                    </nav>
                </aside>
                <div class="workspace-main">
                    <h1 class="page-title">"Admin console"</h1>
                    {children()}
                </div>
            </div>
        </Guarded>
    }
}
