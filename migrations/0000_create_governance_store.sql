CREATE TYPE "public"."assignment_state" AS ENUM('delivering', 'delivered', 'delivery_failed', 'expired', 'removed');--> statement-breakpoint
CREATE TYPE "public"."catalog_role" AS ENUM('owner', 'reader', 'package_manager', 'assignment_manager');--> statement-breakpoint
CREATE TYPE "public"."decision_kind" AS ENUM('approve', 'deny');--> statement-breakpoint
CREATE TYPE "public"."fulfilment_action" AS ENUM('grant', 'revoke');--> statement-breakpoint
CREATE TYPE "public"."fulfilment_state" AS ENUM('pending', 'delivered', 'failed', 'abandoned', 'skipped', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."request_state" AS ENUM('submitted', 'pending_approval', 'approved', 'scheduled', 'delivering', 'delivered', 'partially_delivered', 'delivery_failed', 'denied', 'canceled', 'timed_out');--> statement-breakpoint
CREATE TYPE "public"."request_type" AS ENUM('user_add', 'user_extend', 'user_remove', 'admin_add', 'admin_remove', 'system_remove');--> statement-breakpoint
CREATE TYPE "public"."requestor_scope" AS ENUM('none', 'specific', 'all_members');--> statement-breakpoint
CREATE TYPE "public"."resource_kind" AS ENUM('slack_usergroup', 'slack_channel', 'webhook');--> statement-breakpoint
CREATE TYPE "public"."review_decision_kind" AS ENUM('keep', 'remove');--> statement-breakpoint
CREATE TYPE "public"."review_default" AS ENUM('keep', 'remove', 'recommendation');--> statement-breakpoint
CREATE TYPE "public"."review_state" AS ENUM('active', 'completed', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."reviewer_mode" AS ENUM('self', 'specific');--> statement-breakpoint
CREATE TYPE "public"."user_kind" AS ENUM('member', 'guest', 'bot');--> statement-breakpoint
CREATE TABLE "access_packages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_packages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"catalog_id" integer NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "access_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"package_id" integer NOT NULL,
	"policy_id" integer,
	"reviewer_mode" "reviewer_mode" NOT NULL,
	"reviewer_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"default_decision" "review_default" NOT NULL,
	"state" "review_state" DEFAULT 'active' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"completed_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_decisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "approval_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"request_id" integer NOT NULL,
	"stage" integer NOT NULL,
	"approver_id" text NOT NULL,
	"decision" "decision_kind" NOT NULL,
	"reason" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "assignments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"package_id" integer NOT NULL,
	"policy_id" integer,
	"request_id" integer,
	"state" "assignment_state" NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"extension_count" integer DEFAULT 0 NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"ended_by" text,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"catalog_id" integer,
	"package_id" integer,
	"request_id" integer,
	"assignment_id" integer,
	"resource_id" integer,
	"review_id" integer,
	"subject_user_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_role_holders" (
	"catalog_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"role" "catalog_role" NOT NULL,
	"granted_by" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_role_holders_catalog_id_user_id_role_pk" PRIMARY KEY("catalog_id","user_id","role")
);
--> statement-breakpoint
CREATE TABLE "catalogs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "catalogs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "expiry_reminders" (
	"assignment_id" integer NOT NULL,
	"offset_hours" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	CONSTRAINT "expiry_reminders_assignment_id_offset_hours_pk" PRIMARY KEY("assignment_id","offset_hours")
);
--> statement-breakpoint
CREATE TABLE "fulfilments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fulfilments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"assignment_id" integer NOT NULL,
	"resource_id" integer NOT NULL,
	"role" text NOT NULL,
	"user_id" text NOT NULL,
	"action" "fulfilment_action" NOT NULL,
	"state" "fulfilment_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"data" jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"dead_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "package_incompatibilities" (
	"package_id" integer NOT NULL,
	"other_package_id" integer NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "package_incompatibilities_package_id_other_package_id_pk" PRIMARY KEY("package_id","other_package_id"),
	CONSTRAINT "package_incompatibilities_ordered" CHECK ("package_incompatibilities"."package_id" < "package_incompatibilities"."other_package_id")
);
--> statement-breakpoint
CREATE TABLE "package_resource_roles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "package_resource_roles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"package_id" integer NOT NULL,
	"resource_id" integer NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "policies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"package_id" integer NOT NULL,
	"name" text NOT NULL,
	"priority" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"requestor_scope" "requestor_scope" NOT NULL,
	"requestor_user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"requestor_usergroup_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"requests_enabled" boolean DEFAULT true NOT NULL,
	"justification_required" boolean DEFAULT true NOT NULL,
	"approval_stages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"questions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expiry" jsonb NOT NULL,
	"custom_timeline" boolean DEFAULT true NOT NULL,
	"extension" jsonb NOT NULL,
	"reminder_offsets_hours" integer[] NOT NULL,
	"review" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "request_approvers" (
	"request_id" integer NOT NULL,
	"stage" integer NOT NULL,
	"user_id" text NOT NULL,
	"is_fallback" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_approvers_request_id_stage_user_id_pk" PRIMARY KEY("request_id","stage","user_id")
);
--> statement-breakpoint
CREATE TABLE "request_messages" (
	"request_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text NOT NULL,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_messages_request_id_user_id_pk" PRIMARY KEY("request_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1001 CACHE 1),
	"package_id" integer NOT NULL,
	"policy_id" integer,
	"policy_version" integer,
	"policy_snapshot" jsonb,
	"type" "request_type" NOT NULL,
	"state" "request_state" NOT NULL,
	"user_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"stage" integer DEFAULT 0 NOT NULL,
	"stage_started_at" timestamp with time zone,
	"stage_due_at" timestamp with time zone,
	"stage_escalate_at" timestamp with time zone,
	"stage_escalated_at" timestamp with time zone,
	"justification" text,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"start_at" timestamp with time zone,
	"end_at" timestamp with time zone,
	"assignment_id" integer,
	"outcome_note" text,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "resources_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"catalog_id" integer NOT NULL,
	"kind" "resource_kind" NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"webhook_url" text,
	"webhook_secret" text,
	"managed_exclusively" boolean DEFAULT false NOT NULL,
	"disabled_by_gatehouse" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "review_decisions" (
	"review_id" integer NOT NULL,
	"assignment_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"decision" "review_decision_kind",
	"reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"applied_decision" "review_decision_kind",
	"applied_at" timestamp with time zone,
	CONSTRAINT "review_decisions_review_id_assignment_id_pk" PRIMARY KEY("review_id","assignment_id")
);
--> statement-breakpoint
CREATE TABLE "usergroup_members" (
	"usergroup_id" text NOT NULL,
	"user_id" text NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usergroup_members_usergroup_id_user_id_pk" PRIMARY KEY("usergroup_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"kind" "user_kind" DEFAULT 'member' NOT NULL,
	"is_external" boolean DEFAULT false NOT NULL,
	"deactivated" boolean DEFAULT false NOT NULL,
	"dm_channel_id" text,
	"home_opened_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_packages" ADD CONSTRAINT "access_packages_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_reviews" ADD CONSTRAINT "access_reviews_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_reviews" ADD CONSTRAINT "access_reviews_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_role_holders" ADD CONSTRAINT "catalog_role_holders_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_reminders" ADD CONSTRAINT "expiry_reminders_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilments" ADD CONSTRAINT "fulfilments_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_incompatibilities" ADD CONSTRAINT "package_incompatibilities_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_incompatibilities" ADD CONSTRAINT "package_incompatibilities_other_package_id_access_packages_id_fk" FOREIGN KEY ("other_package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_resource_roles" ADD CONSTRAINT "package_resource_roles_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_resource_roles" ADD CONSTRAINT "package_resource_roles_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_approvers" ADD CONSTRAINT "request_approvers_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_messages" ADD CONSTRAINT "request_messages_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_package_id_access_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."access_packages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_catalog_id_catalogs_id_fk" FOREIGN KEY ("catalog_id") REFERENCES "public"."catalogs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_review_id_access_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."access_reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_packages_name_key" ON "access_packages" USING btree (lower("name")) WHERE "access_packages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "access_packages_catalog_id_index" ON "access_packages" USING btree ("catalog_id");--> statement-breakpoint
CREATE INDEX "access_reviews_package_id_index" ON "access_reviews" USING btree ("package_id");--> statement-breakpoint
CREATE INDEX "access_reviews_due" ON "access_reviews" USING btree ("deadline") WHERE "access_reviews"."state" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "access_reviews_one_active" ON "access_reviews" USING btree ("package_id") WHERE "access_reviews"."state" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_request_id_stage_index" ON "approval_decisions" USING btree ("request_id","stage");--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_one_active" ON "assignments" USING btree ("user_id","package_id") WHERE "assignments"."state" in ('delivering','delivered','delivery_failed');--> statement-breakpoint
CREATE INDEX "assignments_due_expiry" ON "assignments" USING btree ("ends_at") WHERE "assignments"."state" in ('delivering','delivered','delivery_failed') and "assignments"."ends_at" is not null;--> statement-breakpoint
CREATE INDEX "assignments_package_id_state_index" ON "assignments" USING btree ("package_id","state");--> statement-breakpoint
CREATE INDEX "assignments_user_id_state_index" ON "assignments" USING btree ("user_id","state");--> statement-breakpoint
CREATE INDEX "audit_log_package_id_at_index" ON "audit_log" USING btree ("package_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_subject_user_id_at_index" ON "audit_log" USING btree ("subject_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_request_id_index" ON "audit_log" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "audit_log_assignment_id_index" ON "audit_log" USING btree ("assignment_id");--> statement-breakpoint
CREATE INDEX "audit_log_catalog_id_at_index" ON "audit_log" USING btree ("catalog_id","at");--> statement-breakpoint
CREATE INDEX "catalog_role_holders_user_id_index" ON "catalog_role_holders" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "catalogs_name_key" ON "catalogs" USING btree (lower("name")) WHERE "catalogs"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "expiry_reminders_due" ON "expiry_reminders" USING btree ("due_at") WHERE "expiry_reminders"."sent_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "fulfilments_assignment_id_resource_id_role_action_index" ON "fulfilments" USING btree ("assignment_id","resource_id","role","action");--> statement-breakpoint
CREATE INDEX "fulfilments_due" ON "fulfilments" USING btree ("next_attempt_at") WHERE "fulfilments"."state" in ('pending','failed');--> statement-breakpoint
CREATE INDEX "fulfilments_resource_id_user_id_index" ON "fulfilments" USING btree ("resource_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_idempotency_key" ON "outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."sent_at" is null and "outbox"."dead_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_dead" ON "outbox" USING btree ("dead_at") WHERE "outbox"."dead_at" is not null;--> statement-breakpoint
CREATE INDEX "package_incompatibilities_other_package_id_index" ON "package_incompatibilities" USING btree ("other_package_id");--> statement-breakpoint
CREATE UNIQUE INDEX "package_resource_roles_package_id_resource_id_role_index" ON "package_resource_roles" USING btree ("package_id","resource_id","role");--> statement-breakpoint
CREATE INDEX "package_resource_roles_resource_id_index" ON "package_resource_roles" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "policies_package_id_index" ON "policies" USING btree ("package_id");--> statement-breakpoint
CREATE INDEX "request_approvers_user_id_request_id_index" ON "request_approvers" USING btree ("user_id","request_id");--> statement-breakpoint
CREATE INDEX "requests_user_id_created_at_index" ON "requests" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "requests_package_id_created_at_index" ON "requests" USING btree ("package_id","created_at");--> statement-breakpoint
CREATE INDEX "requests_open_by_user_package" ON "requests" USING btree ("user_id","package_id") WHERE "requests"."state" in ('submitted','pending_approval','approved','scheduled');--> statement-breakpoint
CREATE INDEX "requests_stage_due" ON "requests" USING btree ("stage_due_at") WHERE "requests"."state" = 'pending_approval';--> statement-breakpoint
CREATE INDEX "requests_stage_escalate" ON "requests" USING btree ("stage_escalate_at") WHERE "requests"."state" = 'pending_approval' and "requests"."stage_escalated_at" is null;--> statement-breakpoint
CREATE INDEX "requests_scheduled_start" ON "requests" USING btree ("start_at") WHERE "requests"."state" = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "resources_kind_external_key" ON "resources" USING btree ("kind","external_id") WHERE "resources"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "resources_catalog_id_index" ON "resources" USING btree ("catalog_id");--> statement-breakpoint
CREATE INDEX "review_decisions_decided_by_index" ON "review_decisions" USING btree ("decided_by");--> statement-breakpoint
CREATE INDEX "usergroup_members_user_id_index" ON "usergroup_members" USING btree ("user_id");