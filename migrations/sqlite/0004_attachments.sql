-- Files attached to tickets. The bytes live under the data directory, named
-- by their SHA-256; this table says who may see them and under which name.

create table attachments (
    id integer primary key autoincrement,
    ticket_id integer not null references tickets (id) on delete cascade,
    uploader_id integer not null references users (id),
    file_name text not null,
    size_bytes integer not null,
    sha256 text not null,
    -- Uploaded by an agent as internal: never shown to the customer.
    internal boolean not null,
    created_at integer not null,
    updated_at integer not null
);
create index attachments_by_ticket on attachments (ticket_id, id);
