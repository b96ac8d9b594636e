-- Search finds word forms ("licence" finds "licences") and the requester's
-- name and email, in the configured text search language (recorded here;
-- a server configured for another one rebuilds the index at start).

create table search_settings (
    id integer primary key check (id = 1),
    language regconfig not null
);
insert into search_settings (id, language) values (1, 'english');

create or replace function ticket_search_from_ticket() returns trigger language plpgsql as $$
begin
    insert into ticket_search (ticket_id, document)
        select new.id, to_tsvector(s.language,
            new.subject || ' ' || new.description || ' ' || coalesce(u.name, '') || ' ' || coalesce(u.email, ''))
        from search_settings s left join users u on u.id = new.requester_id;
    return new;
end;
$$;

create or replace function ticket_search_from_message() returns trigger language plpgsql as $$
begin
    insert into ticket_search (ticket_id, document)
        select new.ticket_id, to_tsvector(s.language, new.body) from search_settings s;
    return new;
end;
$$;

delete from ticket_search;
insert into ticket_search (ticket_id, document)
    select t.id, to_tsvector('english', t.subject || ' ' || t.description || ' ' || u.name || ' ' || u.email)
    from tickets t join users u on u.id = t.requester_id;
insert into ticket_search (ticket_id, document)
    select ticket_id, to_tsvector('english', body) from ticket_messages;
