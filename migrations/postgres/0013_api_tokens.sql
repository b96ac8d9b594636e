-- Personal API tokens. Only the SHA-256 of the secret is kept: the secret
-- is shown once, when the token is made. `prefix` is its first characters,
-- so a person can tell their tokens apart; `scopes` is space-separated
-- (tickets:read tickets:write admin). A revoked token stays listed (with
-- when) so its owner can see what was used where.
create table api_tokens (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    name text not null,
    prefix text not null,
    digest text not null unique,
    scopes text not null,
    created_at bigint not null,
    expires_at bigint not null,
    last_used_at bigint,
    revoked_at bigint
);
create index api_tokens_by_user on api_tokens (user_id, id);
