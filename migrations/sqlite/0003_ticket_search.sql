-- Full-text search over subjects, descriptions and messages (FTS5). One row
-- per ticket text and per message, filled by triggers in the same
-- transaction as the text itself.

create virtual table ticket_search using fts5 (
    ticket_id unindexed,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

create trigger tickets_search_insert after insert on tickets begin
    insert into ticket_search (ticket_id, body) values (new.id, new.subject || ' ' || new.description);
end;

create trigger ticket_messages_search_insert after insert on ticket_messages begin
    insert into ticket_search (ticket_id, body) values (new.ticket_id, new.body);
end;
