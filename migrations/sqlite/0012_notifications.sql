-- The agents' notification tray: one row per person and event that
-- concerns them (assigned to them, their customer replied, a note named
-- them, an SLA warning or breach on their ticket or their group's). The
-- sentence is the event's own (see the store's notifications.rs); only
-- why it concerns them is kept here. No foreign key to the event or the
-- ticket: a deleted ticket's notifications stay readable.
create table notifications (
    id integer primary key autoincrement,
    user_id integer not null references users (id) on delete cascade,
    seq integer not null,
    ticket_id integer,
    reason text not null,
    created_at integer not null,
    read_at integer,
    unique (user_id, seq)
);
create index notifications_by_user on notifications (user_id, seq desc);
create index notifications_unread on notifications (user_id) where read_at is null;

-- How far a follower of the event log has read (the tray's builder);
-- every instance advances the same row, and the unique key above makes a
-- second pass over the same events harmless.
create table log_followers (
    name text primary key,
    seq bigint not null
);
insert into log_followers (name, seq) select 'tray', coalesce(max(seq), 0) from events;
