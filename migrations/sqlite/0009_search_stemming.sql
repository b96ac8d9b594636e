-- Search finds word forms ("licence" finds "licences") and the requester's
-- name and email. The language is recorded so that a server configured for
-- another one rebuilds the index at start; on SQLite, "english" stems with
-- FTS5's porter tokenizer and "simple" does not stem.

create table search_settings (
    id integer primary key check (id = 1),
    language text not null
);
insert into search_settings (id, language) values (1, 'english');

drop table ticket_search;
create virtual table ticket_search using fts5 (
    ticket_id unindexed,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
insert into ticket_search (ticket_id, body)
    select t.id, t.subject || ' ' || t.description || ' ' || u.name || ' ' || u.email
    from tickets t join users u on u.id = t.requester_id;
insert into ticket_search (ticket_id, body) select ticket_id, body from ticket_messages;

drop trigger tickets_search_insert;
create trigger tickets_search_insert after insert on tickets begin
    insert into ticket_search (ticket_id, body)
        select new.id, new.subject || ' ' || new.description || ' ' || u.name || ' ' || u.email
        from users u where u.id = new.requester_id;
end;
