-- A response clock can end "stopped": its ticket was resolved or closed
-- before any agent replied publicly.

alter table sla_clocks drop constraint sla_clocks_status_check;
alter table sla_clocks add constraint sla_clocks_status_check
    check (status in ('running', 'paused', 'met', 'breached', 'stopped'));

-- A ticket's nearest due time now also counts breached clocks still
-- unanswered, so an overdue ticket stays at the head of "Breaching soon".
update tickets set sla_due_at = (
    select min(c.due_at) from sla_clocks c
    where c.ticket_id = tickets.id and c.met_at is null and c.status in ('running', 'breached')
);
