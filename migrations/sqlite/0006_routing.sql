-- The assignment scheduler: who works in each group and how much they may
-- be given, how each group picks among them, the category tree customers
-- file under, agents' availability, and a lease so one instance plans.

alter table agent_groups add column strategy text not null default 'least_loaded'
    check (strategy in ('least_loaded', 'least_loaded_percent', 'round_robin'));
alter table agent_groups add column auto_assign boolean not null default 1;

create table group_members (
    group_id integer not null references agent_groups (id) on delete cascade,
    user_id integer not null references users (id) on delete cascade,
    capacity integer not null check (capacity >= 0),
    created_at integer not null,
    updated_at integer not null,
    primary key (group_id, user_id)
);
create index group_members_by_user on group_members (user_id);

create table categories (
    id integer primary key autoincrement,
    parent_id integer references categories (id),
    name text not null,
    group_id integer references agent_groups (id),
    default_priority text not null check (default_priority in ('low', 'normal', 'high', 'critical')),
    archived boolean not null default 0,
    created_at integer not null,
    updated_at integer not null
);
-- Sibling names are unique; top-level categories are siblings of each other.
create unique index categories_unique_name on categories (coalesce(parent_id, 0), lower(name));

alter table tickets add column category_id integer references categories (id);
-- Set while the ticket is routable (new or open, no assignee, in a group):
-- when it became so, the queue's tie-breaker after priority and SLA.
alter table tickets add column routable_since integer;
alter table tickets add column assigned_at integer;
update tickets set routable_since = updated_at
    where status in ('new', 'open') and assignee_id is null and group_id is not null;
create index tickets_routable on tickets (group_id, priority_rank desc, routable_since, id)
    where routable_since is not null;

create table agent_presence (
    user_id integer primary key references users (id) on delete cascade,
    availability text not null check (availability in ('online', 'away', 'offline')),
    changed_at integer not null,
    last_assigned_at integer,
    updated_at integer not null
);

-- One row per signed-in staff session, refreshed as it is used: an agent
-- goes offline when the last one ends or falls idle.
create table agent_sessions (
    session_key text primary key,
    user_id integer not null references users (id) on delete cascade,
    last_seen_at integer not null
);
create index agent_sessions_by_user on agent_sessions (user_id, last_seen_at);

create table leases (
    name text primary key,
    holder text not null,
    expires_at integer not null
);

-- Queue pages at a million tickets: each view reads its first rows in
-- order from an index instead of sorting what matches.
create index tickets_by_updated on tickets (updated_at desc, id desc);
create index tickets_open_by_updated on tickets (updated_at desc, id desc)
    where status not in ('resolved', 'closed');
create index tickets_unassigned_by_updated on tickets (updated_at desc, id desc)
    where assignee_id is null and status not in ('resolved', 'closed');
-- Critical first among open tickets, without walking the closed ones.
create index tickets_open_by_priority on tickets (priority_rank desc, updated_at desc, id desc)
    where status not in ('resolved', 'closed');
-- Only assigned tickets: "assignee is null" must use the unassigned index
-- above, never walk every unassigned ticket ever closed.
drop index tickets_by_assignee;
create index tickets_by_assignee on tickets (assignee_id, status, updated_at desc)
    where assignee_id is not null;
