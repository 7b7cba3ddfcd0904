CREATE TABLE "product"."restock_lines" (
	"restock_id" text NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "restock_lines_restock_id_product_id_pk" PRIMARY KEY("restock_id","product_id"),
	CONSTRAINT "restock_lines_quantity_positive" CHECK (quantity > 0)
);
--> statement-breakpoint
CREATE TABLE "product"."restocks" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product"."restock_lines" ADD CONSTRAINT "restock_lines_restock_id_restocks_id_fk" FOREIGN KEY ("restock_id") REFERENCES "product"."restocks"("id") ON DELETE cascade ON UPDATE no action;