-- Run by the postgres image once, when its volume is first initialised (docker-entrypoint-initdb.d),
-- as the superuser, in POSTGRES_DB. It sets up what packages/cluster/src/provision.ts sets up for
-- `pnpm start`: one login role per service and one schema per service owned by that role, with
-- nothing granted to anyone else, so a service's role cannot read another service's tables.
-- The passwords come from the container's environment (psql's \getenv); a missing one stops here.
\set ON_ERROR_STOP on

\getenv orchestrator_password ORCHESTRATOR_DB_PASSWORD
\getenv product_password PRODUCT_DB_PASSWORD
\getenv order_password ORDER_DB_PASSWORD
\getenv payment_password PAYMENT_DB_PASSWORD
\getenv session_password SESSION_DB_PASSWORD
\getenv auth_password AUTH_DB_PASSWORD

-- Roles are cluster-wide; creating only the missing ones lets the script run again on a used server.
select format('create role %I', role)
from unnest(array['orchestrator_service', 'product_service', 'orders_service', 'payment_service', 'session_service', 'auth_service']) as role
where not exists (select from pg_roles where rolname = role)
\gexec

alter role orchestrator_service with login password :'orchestrator_password';
alter role product_service with login password :'product_password';
alter role orders_service with login password :'order_password';
alter role payment_service with login password :'payment_password';
alter role session_service with login password :'session_password';
alter role auth_service with login password :'auth_password';

revoke create, temporary on database :"DBNAME" from public;
revoke all on schema public from public;

-- CREATE on the database is needed because `create schema if not exists` (run by each service's
-- migrator) checks it even when the schema exists; it grants nothing on other services' schemas.
grant connect, create on database :"DBNAME" to orchestrator_service;
create schema if not exists orchestrator authorization orchestrator_service;
grant connect, create on database :"DBNAME" to product_service;
create schema if not exists product authorization product_service;
grant connect, create on database :"DBNAME" to orders_service;
create schema if not exists orders authorization orders_service;
grant connect, create on database :"DBNAME" to payment_service;
create schema if not exists payment authorization payment_service;
grant connect, create on database :"DBNAME" to session_service;
create schema if not exists session authorization session_service;
grant connect, create on database :"DBNAME" to auth_service;
create schema if not exists auth authorization auth_service;
