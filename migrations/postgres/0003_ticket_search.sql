-- Full-text search over subjects, descriptions and messages. One row per
-- ticket text and per message, filled by triggers in the same transaction
-- as the text itself. The 'simple' configuration: no language stemming.

create table ticket_search (
    id bigint generated always as identity primary key,
    ticket_id bigint not null references tickets (id) on delete cascade,
    document tsvector not null
);
create index ticket_search_document on ticket_search using gin (document);
create index ticket_search_by_ticket on ticket_search (ticket_id);

create function ticket_search_from_ticket() returns trigger language plpgsql as $$
begin
    insert into ticket_search (ticket_id, document)
        values (new.id, to_tsvector('simple', new.subject || ' ' || new.description));
    return new;
end;
$$;

create function ticket_search_from_message() returns trigger language plpgsql as $$
begin
    insert into ticket_search (ticket_id, document) values (new.ticket_id, to_tsvector('simple', new.body));
    return new;
end;
$$;

create trigger tickets_search_insert after insert on tickets
    for each row execute function ticket_search_from_ticket();
create trigger ticket_messages_search_insert after insert on ticket_messages
    for each row execute function ticket_search_from_message();
