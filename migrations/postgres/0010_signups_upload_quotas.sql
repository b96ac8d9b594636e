-- Sign-ups wait here until the address's owner follows the emailed link:
-- only then does an account exist, so the sign-up form answers the same
-- whether or not the address already has one.
create table signups (
    id bigint generated always as identity primary key,
    -- One pending sign-up per address; a new request replaces it.
    email text not null unique,
    name text not null,
    password_hash text not null,
    timezone text not null,
    token_hash text not null unique,
    expires_at bigint not null,
    created_at bigint not null
);

-- Upload quotas count a person's recent files across all tickets.
create index attachments_by_uploader on attachments (uploader_id, created_at);
