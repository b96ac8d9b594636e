-- Accounts, one-time tokens, rate limits, the email outbox and the audit log.
-- Times are Unix milliseconds (UTC) in both backends.

create table users (
    id bigint generated always as identity primary key,
    email text not null unique,
    name text not null,
    role text not null check (role in ('customer', 'agent', 'admin')),
    password_hash text not null,
    timezone text not null default 'UTC',
    active boolean not null default true,
    -- Bumped to end every session of the user at once.
    session_epoch bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null
);

create table password_resets (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    token_hash text not null unique,
    expires_at bigint not null,
    used_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index password_resets_by_user on password_resets (user_id);

create table invitations (
    id bigint generated always as identity primary key,
    email text not null,
    role text not null check (role in ('agent', 'admin')),
    token_hash text not null unique,
    invited_by bigint not null references users (id),
    expires_at bigint not null,
    accepted_at bigint,
    revoked_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index invitations_by_email on invitations (email);

create table rate_limits (
    key text primary key,
    window_start bigint not null,
    hits bigint not null
);

create table outbox (
    id bigint generated always as identity primary key,
    recipient text not null,
    subject text not null,
    body_text text not null,
    message_id text not null unique,
    status text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    locked_until bigint,
    last_error text,
    sent_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index outbox_due on outbox (status, next_attempt_at);

create table audit_log (
    id bigint generated always as identity primary key,
    actor_id bigint references users (id),
    action text not null,
    subject text not null,
    created_at bigint not null,
    updated_at bigint not null
);
