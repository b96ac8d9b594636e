-- Accounts, one-time tokens, rate limits, the email outbox and the audit log.
-- Times are Unix milliseconds (UTC) in both backends.

create table users (
    id integer primary key autoincrement,
    email text not null unique,
    name text not null,
    role text not null check (role in ('customer', 'agent', 'admin')),
    password_hash text not null,
    timezone text not null default 'UTC',
    active boolean not null default 1,
    -- Bumped to end every session of the user at once.
    session_epoch integer not null default 0,
    created_at integer not null,
    updated_at integer not null
);

create table password_resets (
    id integer primary key autoincrement,
    user_id integer not null references users (id) on delete cascade,
    token_hash text not null unique,
    expires_at integer not null,
    used_at integer,
    created_at integer not null,
    updated_at integer not null
);
create index password_resets_by_user on password_resets (user_id);

create table invitations (
    id integer primary key autoincrement,
    email text not null,
    role text not null check (role in ('agent', 'admin')),
    token_hash text not null unique,
    invited_by integer not null references users (id),
    expires_at integer not null,
    accepted_at integer,
    revoked_at integer,
    created_at integer not null,
    updated_at integer not null
);
create index invitations_by_email on invitations (email);

create table rate_limits (
    key text primary key,
    window_start integer not null,
    hits integer not null
);

create table outbox (
    id integer primary key autoincrement,
    recipient text not null,
    subject text not null,
    body_text text not null,
    message_id text not null unique,
    status text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    locked_until integer,
    last_error text,
    sent_at integer,
    created_at integer not null,
    updated_at integer not null
);
create index outbox_due on outbox (status, next_attempt_at);

create table audit_log (
    id integer primary key autoincrement,
    actor_id integer references users (id),
    action text not null,
    subject text not null,
    created_at integer not null,
    updated_at integer not null
);
