-- A response clock can end "stopped": its ticket was resolved or closed
-- before any agent replied publicly. SQLite cannot change a check
-- constraint in place, so the table is rebuilt with the new one.

create table sla_clocks_new (
    ticket_id integer not null references tickets (id) on delete cascade,
    metric text not null check (metric in ('first_response', 'next_response', 'resolution')),
    cycle integer not null,
    status text not null check (status in ('running', 'paused', 'met', 'breached', 'stopped')),
    started_at integer not null,
    target_minutes integer not null,
    business boolean not null,
    paused_business_ms integer not null default 0,
    paused_calendar_ms integer not null default 0,
    paused_since integer,
    due_at integer not null,
    met_at integer,
    breached_at integer,
    policy_id integer references sla_policies (id),
    levels_fired integer not null default 0,
    next_fire_at integer,
    primary key (ticket_id, metric)
);
insert into sla_clocks_new select * from sla_clocks;
drop table sla_clocks;
alter table sla_clocks_new rename to sla_clocks;
create index sla_clocks_next_fire on sla_clocks (next_fire_at) where next_fire_at is not null;

-- A ticket's nearest due time now also counts breached clocks still
-- unanswered, so an overdue ticket stays at the head of "Breaching soon".
update tickets set sla_due_at = (
    select min(c.due_at) from sla_clocks c
    where c.ticket_id = tickets.id and c.met_at is null and c.status in ('running', 'breached')
);
