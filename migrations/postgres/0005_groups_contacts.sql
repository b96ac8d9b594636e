-- Groups a ticket can belong to (the admin console manages them), a priority
-- order for queues, files attached to one message, and requesters without a
-- password who follow their tickets through emailed links.

create table agent_groups (
    id bigint generated always as identity primary key,
    name text not null unique,
    archived boolean not null default false,
    created_at bigint not null,
    updated_at bigint not null
);

alter table tickets add column group_id bigint references agent_groups (id);
create index tickets_by_group on tickets (group_id, updated_at desc, id desc);

-- Derived, so it can never disagree with the priority it orders by.
alter table tickets add column priority_rank bigint generated always as (
    case priority when 'critical' then 3 when 'high' then 2 when 'normal' then 1 else 0 end
) stored;
create index tickets_by_priority on tickets (priority_rank desc, updated_at desc, id desc);

-- Set when the file came with a reply or note; null for files of the ticket
-- itself (sent with the request or attached later).
alter table attachments add column message_id bigint references ticket_messages (id);

-- A requester who raised a ticket without an account has an empty
-- password_hash: they cannot sign in with a password until they set one
-- through a password reset, which proves they own the address.
create table ticket_links (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    ticket_id bigint not null references tickets (id) on delete cascade,
    token_hash text not null unique,
    expires_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index ticket_links_by_ticket on ticket_links (ticket_id);
