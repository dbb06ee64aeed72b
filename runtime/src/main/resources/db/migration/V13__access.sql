-- Roles per namespace (issue 8): a token holds a role in each namespace it names, or in every
-- namespace through the key "*"; the single role column becomes that map.
alter table api_tokens add column grants jsonb not null default '{}';
update api_tokens set grants = jsonb_build_object('*', role);
alter table api_tokens drop column role;
alter table api_tokens add column created_by text;

-- The audit log: every change and every run, cancel and retry made through the API, with who,
-- when, what and from where, and how it was answered. Append-only: the trigger below refuses
-- every UPDATE, DELETE and TRUNCATE, whoever asks.
create table audit_log (
    id         bigserial   primary key,
    at         timestamptz not null default now(),
    actor      text        not null,
    token_id   text,
    action     text        not null,
    method     text        not null,
    path       text        not null,
    namespace  text,
    target     text,
    status     integer     not null,
    source     text,
    node_id    text
);
create index audit_log_by_actor on audit_log (actor, id);
create index audit_log_by_action on audit_log (action, id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % refused', tg_op;
end
$$;
create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
