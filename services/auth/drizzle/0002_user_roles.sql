-- Every existing account starts as a user: ADMIN_EMAILS is gone, and the operator grants admin (pnpm admin grant <email>).
ALTER TABLE "auth"."users" ADD COLUMN "role" text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE "auth"."users" ADD CONSTRAINT "users_role_check" CHECK ("auth"."users"."role" in ('user', 'admin'));