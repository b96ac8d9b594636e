-- Personal API tokens. Only the SHA-256 of the secret is kept: the secret
-- is shown once, when the token is made. `prefix` is its first characters,
-- so a person can tell their tokens apart; `scopes` is space-separated
-- (tickets:read tickets:write admin). A revoked token stays listed (with
-- when) so its owner can see what was used where.
create table api_tokens (
    id integer primary key autoincrement,
    user_id integer not null references users (id) on delete cascade,
    name text not null,
    prefix text not null,
    digest text not null unique,
    scopes text not null,
    created_at integer not null,
    expires_at integer not null,
    last_used_at integer,
    revoked_at integer
);
create index api_tokens_by_user on api_tokens (user_id, id);
