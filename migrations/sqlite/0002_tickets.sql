-- Tickets with their conversation, tags, watchers and history.

create table tickets (
    id integer primary key autoincrement,
    subject text not null,
    description text not null,
    requester_id integer not null references users (id),
    assignee_id integer references users (id),
    priority text not null check (priority in ('low', 'normal', 'high', 'critical')),
    status text not null check (status in ('new', 'open', 'pending', 'on_hold', 'resolved', 'closed')),
    -- Bumped by every change; edits name the version they were made against.
    version integer not null default 1,
    -- A double submit of the same form creates one ticket.
    idempotency_key text,
    created_at integer not null,
    updated_at integer not null,
    unique (requester_id, idempotency_key)
);
create index tickets_by_requester on tickets (requester_id, updated_at desc, id desc);
create index tickets_by_status on tickets (status, updated_at desc, id desc);
create index tickets_by_assignee on tickets (assignee_id, status, updated_at desc);

create table ticket_messages (
    id integer primary key autoincrement,
    ticket_id integer not null references tickets (id) on delete cascade,
    author_id integer not null references users (id),
    body text not null,
    -- Internal notes are for agents only and never reach a customer.
    internal boolean not null,
    created_at integer not null,
    updated_at integer not null
);
create index ticket_messages_by_ticket on ticket_messages (ticket_id, id);

create table ticket_tags (
    ticket_id integer not null references tickets (id) on delete cascade,
    tag text not null,
    primary key (ticket_id, tag)
);
create index ticket_tags_by_tag on ticket_tags (tag);

create table ticket_watchers (
    ticket_id integer not null references tickets (id) on delete cascade,
    user_id integer not null references users (id),
    primary key (ticket_id, user_id)
);

-- The history: one row per change, written with the change.
create table ticket_events (
    id integer primary key autoincrement,
    ticket_id integer not null references tickets (id) on delete cascade,
    actor_id integer references users (id),
    kind text not null,
    detail text not null,
    internal boolean not null default 0,
    created_at integer not null,
    updated_at integer not null
);
create index ticket_events_by_ticket on ticket_events (ticket_id, id);
