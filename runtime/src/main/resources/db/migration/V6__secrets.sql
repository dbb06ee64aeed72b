-- Secrets, encrypted with AES-256-GCM under the master key named by key_id; never in plain text.
create table secrets (
    name        text        primary key,
    key_id      text        not null,
    nonce       bytea       not null,
    ciphertext  bytea       not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
