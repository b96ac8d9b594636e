-- One ordered log of everything that changed: ticket history and
-- configuration changes alike, each a JSON-encoded domain event. `seq`
-- orders the log; a writer appends just before it commits, and writers are
-- one at a time on SQLite, so `seq` order is commit order. No foreign
-- keys: a TicketDeleted event outlives its ticket.
create table events (
    seq integer primary key autoincrement,
    ticket_id integer,
    actor_id integer,
    kind text not null,
    public boolean not null,
    data text not null,
    created_at integer not null
);
create index events_by_ticket on events (ticket_id, seq) where ticket_id is not null;

-- The rows of the old history and audit log, in the order they happened,
-- kept as they were written (their detail was already words).
insert into events (ticket_id, actor_id, kind, public, data, created_at)
select ticket_id, actor_id, event_kind, public, data, created_at from (
    select ticket_id, actor_id, 'HistoryImported' as event_kind, not internal as public,
           json_object('type', 'HistoryImported', 'kind', kind, 'detail', detail) as data,
           created_at, 0 as source, id
    from ticket_events
    union all
    select null, actor_id, 'AuditImported', 0,
           json_object('type', 'AuditImported', 'action', action, 'subject', subject),
           created_at, 1, id
    from audit_log
) order by created_at, source, id;

drop table ticket_events;
drop table audit_log;
