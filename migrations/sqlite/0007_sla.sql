-- SLAs: business calendars, policies with targets per priority, escalation
-- matrices, and per ticket one clock per metric carrying the instant the
-- monitor next owes it something.

create table business_calendars (
    id integer primary key autoincrement,
    name text not null,
    timezone text not null,
    -- The week (Monday first) and the holidays, as the domain writes them.
    week text not null,
    holidays text not null,
    created_at integer not null,
    updated_at integer not null
);
create unique index business_calendars_unique_name on business_calendars (lower(name));

create table sla_policies (
    id integer primary key autoincrement,
    name text not null,
    -- Null: business time runs around the clock.
    calendar_id integer references business_calendars (id),
    -- Statuses that pause the clocks, comma-separated.
    pause_statuses text not null,
    -- Targets per priority and metric, as the domain writes them.
    targets text not null,
    is_default boolean not null default 0,
    created_at integer not null,
    updated_at integer not null
);
create unique index sla_policies_unique_name on sla_policies (lower(name));
create unique index sla_policies_one_default on sla_policies (is_default) where is_default;

create table escalation_matrices (
    id integer primary key autoincrement,
    name text not null,
    -- Rows per priority and metric with their levels, as the domain writes them.
    rows text not null,
    is_default boolean not null default 0,
    created_at integer not null,
    updated_at integer not null
);
create unique index escalation_matrices_unique_name on escalation_matrices (lower(name));
create unique index escalation_matrices_one_default on escalation_matrices (is_default) where is_default;

alter table categories add column sla_policy_id integer references sla_policies (id);
alter table categories add column escalation_matrix_id integer references escalation_matrices (id);
-- Leads of a group hear about its escalations.
alter table group_members add column lead boolean not null default 0;

create table sla_clocks (
    ticket_id integer not null references tickets (id) on delete cascade,
    metric text not null check (metric in ('first_response', 'next_response', 'resolution')),
    cycle integer not null,
    status text not null check (status in ('running', 'paused', 'met', 'breached')),
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
    -- Escalation levels fired this cycle; they fire in order, once each.
    levels_fired integer not null default 0,
    -- Null when the monitor owes this clock nothing (paused or fulfilled).
    next_fire_at integer,
    primary key (ticket_id, metric)
);
create index sla_clocks_next_fire on sla_clocks (next_fire_at) where next_fire_at is not null;

-- One row per level fired: the record that makes "once per cycle" hold
-- across restarts and instances.
create table sla_escalations (
    ticket_id integer not null references tickets (id) on delete cascade,
    metric text not null,
    cycle integer not null,
    level integer not null,
    fired_at integer not null,
    primary key (ticket_id, metric, cycle, level)
);

-- The nearest due time among a ticket's running clocks: the scheduler's
-- second sort key, and the "Breaching soon" queue.
alter table tickets add column sla_due_at integer;
create index tickets_breaching on tickets (sla_due_at, id) where sla_due_at is not null;

-- The scheduler's rebuild reads its whole queue from this index alone, in
-- queue order within each group: priority, nearest SLA due time, then
-- time routable and id.
drop index tickets_routable;
create index tickets_routable on tickets (group_id, priority_rank desc, sla_due_at, routable_since, id)
    where routable_since is not null;
