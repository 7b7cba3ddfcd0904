CREATE SCHEMA IF NOT EXISTS "orchestrator";
--> statement-breakpoint
CREATE TABLE "orchestrator"."idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orchestrator"."saga_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"input" jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"failure" jsonb,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "orchestrator"."saga_steps" (
	"saga_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"compensation_attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"compensated_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "saga_steps_saga_id_name_pk" PRIMARY KEY("saga_id","name")
);
--> statement-breakpoint
CREATE TABLE "orchestrator"."chat_threads" (
	"thread_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"session_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_active_at" timestamp with time zone DEFAULT now() NOT NULL,
	"busy_until" timestamp with time zone,
	"busy_token" text
);
--> statement-breakpoint
ALTER TABLE "orchestrator"."saga_steps" ADD CONSTRAINT "saga_steps_saga_id_saga_runs_id_fk" FOREIGN KEY ("saga_id") REFERENCES "orchestrator"."saga_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_index" ON "orchestrator"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "saga_runs_status_heartbeat_at_index" ON "orchestrator"."saga_runs" USING btree ("status","heartbeat_at");--> statement-breakpoint
CREATE INDEX "saga_runs_created_at_index" ON "orchestrator"."saga_runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "chat_threads_last_active_at_index" ON "orchestrator"."chat_threads" USING btree ("last_active_at");