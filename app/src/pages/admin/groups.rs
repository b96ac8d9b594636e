//! Groups in the admin console: settings, members with their capacity,
//! and each group's queue depth and agents' load.

use super::AdminPage;
use crate::api::routing::{load_groups, CreateGroup, RemoveMember, SetMember, UpdateGroup};
use crate::api::routing_types::{GroupAdmin, GroupsOverview, MemberView, StaffOption};
use crate::components::form::{action_error, clear_on_success, successes, FormMessage, TextField};
use crate::domain::Strategy;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The actions of the page, created once.
#[derive(Clone, Copy)]
struct GroupActions {
    update: ServerAction<UpdateGroup>,
    set_member: ServerAction<SetMember>,
    remove_member: ServerAction<RemoveMember>,
}

#[component]
pub fn AdminGroups() -> impl IntoView {
    let create = ServerAction::<CreateGroup>::new();
    let actions = GroupActions {
        update: ServerAction::new(),
        set_member: ServerAction::new(),
        remove_member: ServerAction::new(),
    };
    let saved = (
        successes(create),
        successes(actions.update),
        successes(actions.set_member),
        successes(actions.remove_member),
    );
    let overview = Resource::new(
        move || (saved.0.get(), saved.1.get(), saved.2.get(), saved.3.get()),
        |_| load_groups(),
    );
    let (create_form, created) = clear_on_success(create, |c| {
        format!(
            "Group “{}” created; add its members below.",
            c.input.name.trim()
        )
    });
    let create_error = action_error(create);
    let row_error = Signal::derive(move || {
        action_error(actions.update)
            .get()
            .or_else(|| action_error(actions.set_member).get())
            .or_else(|| action_error(actions.remove_member).get())
    });
    view! {
        <AdminPage current="groups">
            <section class="panel" aria-labelledby="new-group-title">
                <h2 class="panel-title" id="new-group-title">"New group"</h2>
                <p class="panel-lead">"Tickets go to a group through their category; its online members share the work."</p>
                <ActionForm action=create node_ref=create_form attr:class="form" attr:aria-labelledby="new-group-title">
                    <FormMessage error=create_error success=created />
                    <TextField label="Group name" name="input[name]" id="group-name" field="name" error=create_error />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Create group"</button>
                    </div>
                </ActionForm>
            </section>
            <FormMessage error=row_error />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || overview.get().map(|result| groups_view(result, actions))}
            </Transition>
        </AdminPage>
    }
}

fn groups_view(result: Result<GroupsOverview, AppError>, actions: GroupActions) -> AnyView {
    match result {
        Ok(o) if o.groups.is_empty() => {
            view! { <div class="empty-state">"No groups yet."</div> }.into_any()
        }
        Ok(o) => o
            .groups
            .into_iter()
            .map(|group| view! { <GroupCard group staff=o.staff.clone() actions /> })
            .collect_view()
            .into_any(),
        Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
    }
}

#[component]
fn GroupCard(group: GroupAdmin, staff: Vec<StaffOption>, actions: GroupActions) -> impl IntoView {
    let id = group.id;
    let (title_id, labelled_by) = (format!("group-{id}-title"), format!("group-{id}-title"));
    let waiting = match group.queue_depth {
        1 => "1 ticket waiting".to_owned(),
        n => format!("{n} tickets waiting"),
    };
    let candidates: Vec<StaffOption> = staff
        .into_iter()
        .filter(|s| !group.members.iter().any(|m| m.user_id == s.id))
        .collect();
    let name = group.name.clone();
    view! {
        <section class="panel group-card" id=format!("group-{id}") aria-labelledby=labelled_by>
            <h2 class="panel-title" id=title_id>
                {group.name.clone()}
                {group.archived.then(|| view! { " " <span class="badge badge-inactive">"Archived"</span> })}
            </h2>
            <p class="muted" data-queue-depth=group.queue_depth.to_string()>{waiting}</p>
            <GroupSettings group=group.clone() update=actions.update />
            <MemberTable group_id=id group_name=name.clone() members=group.members remove=actions.remove_member set=actions.set_member />
            {(!candidates.is_empty()).then(|| view! { <AddMember group_id=id group_name=name candidates set=actions.set_member /> })}
        </section>
    }
}

#[component]
fn GroupSettings(group: GroupAdmin, update: ServerAction<UpdateGroup>) -> impl IntoView {
    let id = group.id;
    let current = group.strategy;
    view! {
        <ActionForm action=update attr:class="form">
            <input type="hidden" name="input[group_id]" value=id.to_string() />
            <div class="field">
                <label for=format!("group-{id}-name")>"Name"</label>
                <input id=format!("group-{id}-name") name="input[name]" value=group.name.clone() required=true />
            </div>
            <div class="field">
                <label for=format!("group-{id}-strategy")>"Assignment strategy"</label>
                <select id=format!("group-{id}-strategy") name="input[strategy]">
                    {Strategy::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=s == current>{s.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <input type="checkbox" id=format!("group-{id}-auto") name="input[auto_assign]" value="on" checked=group.auto_assign />
                <label for=format!("group-{id}-auto")>"Assign tickets automatically"</label>
            </div>
            <div class="field checkbox">
                <input type="checkbox" id=format!("group-{id}-archived") name="input[archived]" value="on" checked=group.archived />
                <label for=format!("group-{id}-archived")>"Archived (takes no new tickets)"</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-secondary">{format!("Save {}", group.name)}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn MemberTable(
    group_id: i64,
    group_name: String,
    members: Vec<MemberView>,
    remove: ServerAction<RemoveMember>,
    set: ServerAction<SetMember>,
) -> impl IntoView {
    if members.is_empty() {
        return view! { <p class="muted">"No members yet: nobody receives this group's tickets."</p> }.into_any();
    }
    let table_label = format!("Members of {group_name}");
    view! {
        <div class="table-wrap">
            <table class="table" aria-label=table_label>
                <thead>
                    <tr>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Availability"</th>
                        <th scope="col">"Tickets assigned"</th>
                        <th scope="col">"Capacity and lead"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|m| {
                            let capacity_id = format!("capacity-{group_id}-{}", m.user_id);
                            let capacity_label = format!("Capacity of {}", m.email);
                            let save_label = format!("Save capacity of {}", m.email);
                            let lead_id = format!("lead-{group_id}-{}", m.user_id);
                            let lead_label = format!("{} leads {group_name} (hears of escalations)", m.email);
                            let remove_label = format!("Remove {} from {group_name}", m.email);
                            view! {
                                <tr>
                                    <td>{m.name.clone()}<br /><span class="muted">{m.email.clone()}</span></td>
                                    <td><span class=format!("badge badge-{}", m.availability.as_str())>{m.availability.label()}</span></td>
                                    <td>{m.load}</td>
                                    <td>
                                        <ActionForm action=set attr:class="inline-form">
                                            <input type="hidden" name="input[group_id]" value=group_id.to_string() />
                                            <input type="hidden" name="input[user_id]" value=m.user_id.to_string() />
                                            <label class="visually-hidden" for=capacity_id.clone()>{capacity_label}</label>
                                            <input id=capacity_id type="number" min="0" max="1000" class="input-small" name="input[capacity]" value=m.capacity.to_string() />
                                            <input id=lead_id.clone() type="checkbox" name="input[lead]" value="on" checked=m.lead />
                                            <label for=lead_id>{lead_label}</label>
                                            <button type="submit" class="btn btn-secondary btn-small" aria-label=save_label>"Save"</button>
                                        </ActionForm>
                                    </td>
                                    <td class="actions">
                                        <ActionForm action=remove attr:class="inline-form">
                                            <input type="hidden" name="input[group_id]" value=group_id.to_string() />
                                            <input type="hidden" name="input[user_id]" value=m.user_id.to_string() />
                                            <button type="submit" class="btn btn-danger btn-small" aria-label=remove_label>"Remove"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AddMember(
    group_id: i64,
    group_name: String,
    candidates: Vec<StaffOption>,
    set: ServerAction<SetMember>,
) -> impl IntoView {
    let (agent_id, capacity_id) = (
        format!("add-member-{group_id}"),
        format!("add-capacity-{group_id}"),
    );
    view! {
        <ActionForm action=set attr:class="inline-form add-member">
            <input type="hidden" name="input[group_id]" value=group_id.to_string() />
            <label for=agent_id.clone()>{format!("Add to {group_name}")}</label>
            <select id=agent_id name="input[user_id]">
                {candidates
                    .into_iter()
                    .map(|s| view! { <option value=s.id.to_string()>{format!("{} ({})", s.name, s.email)}</option> })
                    .collect_view()}
            </select>
            <label for=capacity_id.clone()>"Capacity"</label>
            <input id=capacity_id type="number" min="0" max="1000" class="input-small" name="input[capacity]" value="5" />
            <button type="submit" class="btn btn-primary btn-small">"Add member"</button>
        </ActionForm>
    }
}
