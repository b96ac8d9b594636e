-- One ordered log of everything that changed: ticket history and
-- configuration changes alike, each a JSON-encoded domain event. `seq`
-- orders the log. Identity values are handed out before commit, not in
-- commit order, so writers append just before committing under one
-- transaction-scoped advisory lock (see the store's event_log.rs): a
-- reader that has seen `seq` N has seen every committed event before it.
-- No foreign keys: a TicketDeleted event outlives its ticket, and an
-- append takes no row locks that could meet another writer's.
create table events (
    seq bigint generated always as identity primary key,
    ticket_id bigint,
    actor_id bigint,
    kind text not null,
    public boolean not null,
    data text not null,
    created_at bigint not null
);
create index events_by_ticket on events (ticket_id, seq) where ticket_id is not null;

-- The rows of the old history and audit log, in the order they happened,
-- kept as they were written (their detail was already words).
insert into events (ticket_id, actor_id, kind, public, data, created_at)
select ticket_id, actor_id, event_kind, public, data, created_at from (
    select ticket_id, actor_id, 'HistoryImported' as event_kind, not internal as public,
           json_build_object('type', 'HistoryImported', 'kind', kind, 'detail', detail)::text as data,
           created_at, 0 as source, id
    from ticket_events
    union all
    select null, actor_id, 'AuditImported', false,
           json_build_object('type', 'AuditImported', 'action', action, 'subject', subject)::text,
           created_at, 1, id
    from audit_log
) old order by created_at, source, id;

drop table ticket_events;
drop table audit_log;
