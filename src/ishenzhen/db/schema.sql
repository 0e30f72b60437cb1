--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: btree_gin; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

--
-- Name: unaccent; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

--
-- Name: catalog_stamp_item_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.catalog_stamp_item_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.changed_revision := (SELECT revision + 1 FROM catalog_revision);
    RETURN NEW;
END;
$$;

--
-- Name: catalog_stamp_reference_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.catalog_stamp_reference_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE catalog_revision SET reference_revision = revision + 1;
    RETURN NULL;
END;
$$;

--
-- Name: sharing_access_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.sharing_access_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'sharing_access_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: catalog_departments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_departments (
    slug text NOT NULL,
    name text NOT NULL,
    credit_code character(18) NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_districts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_districts (
    code character(6) NOT NULL,
    name text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_e_licence_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_e_licence_types (
    code text NOT NULL,
    name text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_item_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_item_versions (
    code text NOT NULL,
    version integer NOT NULL,
    content_hash bytea NOT NULL,
    document jsonb NOT NULL,
    listing text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: catalog_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_items (
    code text NOT NULL,
    basic_code text NOT NULL,
    department text NOT NULL,
    district character(6),
    name text NOT NULL,
    listing text DEFAULT 'listed'::text NOT NULL,
    version integer NOT NULL,
    content_hash bytea NOT NULL,
    document jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    changed_revision bigint DEFAULT 0 NOT NULL,
    CONSTRAINT catalog_items_listing_check CHECK ((listing = ANY (ARRAY['listed'::text, 'withdrawn'::text]))),
    CONSTRAINT catalog_items_version_check CHECK ((version >= 1))
);

--
-- Name: catalog_revision; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_revision (
    singleton boolean DEFAULT true NOT NULL,
    revision bigint NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    reference_revision bigint DEFAULT 0 NOT NULL,
    CONSTRAINT catalog_revision_singleton_check CHECK (singleton)
);

--
-- Name: catalog_themes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_themes (
    code text NOT NULL,
    name text NOT NULL,
    audience text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: handling_application_serial; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.handling_application_serial
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    MAXVALUE 99999999
    CACHE 1
    CYCLE;

--
-- Name: handling_applications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_applications (
    id uuid NOT NULL,
    number character(19) NOT NULL,
    item_code text NOT NULL,
    item_version integer NOT NULL,
    department text NOT NULL,
    applicant_id uuid NOT NULL,
    client_id text NOT NULL,
    party_kind text NOT NULL,
    credit_code character(18),
    spec_version text NOT NULL,
    capabilities text NOT NULL,
    form jsonb NOT NULL,
    status text NOT NULL,
    receipt_number text,
    event_sequence integer DEFAULT 0 NOT NULL,
    submitted_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT handling_applications_check CHECK (((party_kind = 'enterprise'::text) = (credit_code IS NOT NULL))),
    CONSTRAINT handling_applications_event_sequence_check CHECK ((event_sequence >= 0)),
    CONSTRAINT handling_applications_item_version_check CHECK ((item_version >= 1)),
    CONSTRAINT handling_applications_number_check CHECK ((number ~ '^SZ[0-9]{16}[0-9X]$'::text)),
    CONSTRAINT handling_applications_party_kind_check CHECK ((party_kind = ANY (ARRAY['self'::text, 'enterprise'::text]))),
    CONSTRAINT handling_applications_receipt_number_check CHECK ((length(receipt_number) <= 64)),
    CONSTRAINT handling_applications_spec_version_check CHECK ((spec_version ~ '^[0-9]{1,3}\.[0-9]{1,3}$'::text)),
    CONSTRAINT handling_applications_status_check CHECK ((status = ANY (ARRAY['submitted'::text, 'delivered'::text, 'accepted'::text, 'in_review'::text, 'more_material_needed'::text, 'approved'::text, 'rejected'::text, 'completed'::text, 'withdrawn'::text, 'delivery_failed'::text])))
);

--
-- Name: handling_department_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_department_events (
    event_id uuid NOT NULL,
    application_id uuid NOT NULL,
    department text NOT NULL,
    sequence integer NOT NULL,
    status text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    message text NOT NULL,
    receipt_number text,
    data jsonb DEFAULT '{}'::jsonb NOT NULL,
    fingerprint bytea NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    applied_at timestamp with time zone,
    CONSTRAINT handling_department_events_sequence_check CHECK ((sequence >= 1))
);

--
-- Name: handling_idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_idempotency_keys (
    client_id text NOT NULL,
    subject uuid NOT NULL,
    key text NOT NULL,
    fingerprint bytea NOT NULL,
    application_id uuid NOT NULL,
    response jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT handling_idempotency_keys_key_check CHECK (((length(key) >= 1) AND (length(key) <= 255)))
);

--
-- Name: handling_instant_decisions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_instant_decisions (
    application_id uuid NOT NULL,
    rule_set_version integer NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    available_at timestamp with time zone DEFAULT now() NOT NULL,
    lease_owner text,
    outcome text,
    decision jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_at timestamp with time zone,
    CONSTRAINT handling_instant_decisions_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT handling_instant_decisions_check CHECK (((state = 'decided'::text) = ((outcome IS NOT NULL) AND (decision IS NOT NULL) AND (decided_at IS NOT NULL)))),
    CONSTRAINT handling_instant_decisions_lease_owner_check CHECK ((char_length(lease_owner) <= 200)),
    CONSTRAINT handling_instant_decisions_outcome_check CHECK ((outcome = ANY (ARRAY['approved'::text, 'rejected'::text, 'manual_review'::text]))),
    CONSTRAINT handling_instant_decisions_rule_set_version_check CHECK ((rule_set_version >= 1)),
    CONSTRAINT handling_instant_decisions_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'decided'::text])))
);

--
-- Name: handling_materials; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_materials (
    id uuid NOT NULL,
    owner_id uuid NOT NULL,
    name text NOT NULL,
    media_type text NOT NULL,
    size integer NOT NULL,
    sha256 bytea NOT NULL,
    pages integer DEFAULT 1 NOT NULL,
    storage text DEFAULT 'postgres'::text NOT NULL,
    storage_key text,
    content bytea,
    application_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT handling_materials_check CHECK (((storage = 'postgres'::text) = (content IS NOT NULL))),
    CONSTRAINT handling_materials_check1 CHECK (((application_id IS NOT NULL) OR (expires_at IS NOT NULL))),
    CONSTRAINT handling_materials_media_type_check CHECK ((media_type = ANY (ARRAY['image/jpeg'::text, 'image/png'::text, 'application/pdf'::text]))),
    CONSTRAINT handling_materials_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT handling_materials_pages_check CHECK ((pages >= 1)),
    CONSTRAINT handling_materials_sha256_check CHECK ((length(sha256) = 32)),
    CONSTRAINT handling_materials_size_check CHECK ((size > 0))
);

--
-- Name: handling_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_outbox (
    id bigint NOT NULL,
    application_id uuid NOT NULL,
    kind text NOT NULL,
    department text NOT NULL,
    path text NOT NULL,
    body bytea NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    available_at timestamp with time zone DEFAULT now() NOT NULL,
    lease_owner text,
    last_outcome text,
    last_status smallint,
    last_error text,
    error_source text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    delivered_at timestamp with time zone,
    dead_at timestamp with time zone,
    CONSTRAINT handling_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT handling_outbox_error_source_check CHECK ((error_source = ANY (ARRAY['gateway'::text, 'link'::text, 'department'::text]))),
    CONSTRAINT handling_outbox_kind_check CHECK ((kind = ANY (ARRAY['submission'::text, 'withdrawal'::text, 'supplements'::text, 'decision'::text]))),
    CONSTRAINT handling_outbox_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'delivered'::text, 'dead'::text])))
);

--
-- Name: handling_outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.handling_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.handling_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: handling_timeline; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.handling_timeline (
    application_id uuid NOT NULL,
    "position" integer NOT NULL,
    status text NOT NULL,
    previous_status text,
    actor_kind text NOT NULL,
    actor text NOT NULL,
    message text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT handling_timeline_actor_kind_check CHECK ((actor_kind = ANY (ARRAY['applicant'::text, 'gateway'::text, 'department'::text, 'operator'::text]))),
    CONSTRAINT handling_timeline_message_check CHECK ((length(message) <= 2000)),
    CONSTRAINT handling_timeline_position_check CHECK (("position" >= 1))
);

--
-- Name: identity_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_accounts (
    id uuid NOT NULL,
    mobile text NOT NULL,
    password_hash text,
    assurance_level smallint DEFAULT 1 NOT NULL,
    name text,
    resident_id character(18),
    verified_at timestamp with time zone,
    face_checked_at timestamp with time zone,
    demo boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT identity_accounts_assurance_level_check CHECK (((assurance_level >= 1) AND (assurance_level <= 3))),
    CONSTRAINT identity_accounts_check CHECK (((assurance_level = 1) OR ((name IS NOT NULL) AND (resident_id IS NOT NULL) AND (verified_at IS NOT NULL)))),
    CONSTRAINT identity_accounts_check1 CHECK (((assurance_level < 3) OR (face_checked_at IS NOT NULL))),
    CONSTRAINT identity_accounts_mobile_check CHECK ((mobile ~ '^1[3-9][0-9]{9}$'::text))
);

--
-- Name: identity_agent_invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_agent_invitations (
    id uuid NOT NULL,
    credit_code character(18) NOT NULL,
    invited_by uuid NOT NULL,
    mobile text NOT NULL,
    scopes text[] NOT NULL,
    grant_expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    answered_at timestamp with time zone,
    answer text,
    CONSTRAINT identity_agent_invitations_answer_check CHECK ((answer = ANY (ARRAY['accepted'::text, 'declined'::text]))),
    CONSTRAINT identity_agent_invitations_check CHECK (((answer IS NULL) = (answered_at IS NULL))),
    CONSTRAINT identity_agent_invitations_check1 CHECK ((expires_at <= (created_at + '30 days'::interval))),
    CONSTRAINT identity_agent_invitations_mobile_check CHECK ((mobile ~ '^1[3-9][0-9]{9}$'::text))
);

--
-- Name: identity_audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_audit (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    event text NOT NULL,
    account_id uuid,
    client_id text,
    address text,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL
);

--
-- Name: identity_audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.identity_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: identity_audit_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.identity_audit_id_seq OWNED BY public.identity_audit.id;

--
-- Name: identity_authorization_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_authorization_codes (
    code_hash bytea NOT NULL,
    client_id text NOT NULL,
    account_id uuid NOT NULL,
    redirect_uri text NOT NULL,
    scope text NOT NULL,
    code_challenge text,
    code_challenge_method text,
    nonce text,
    acr smallint NOT NULL,
    amr text[] NOT NULL,
    auth_time timestamp with time zone NOT NULL,
    party character(18),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT identity_authorization_codes_check CHECK ((expires_at <= (created_at + '00:10:00'::interval))),
    CONSTRAINT identity_authorization_codes_code_challenge_method_check CHECK ((code_challenge_method = 'S256'::text))
);

--
-- Name: identity_client_assertions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_client_assertions (
    client_id text NOT NULL,
    jti text NOT NULL,
    expires_at timestamp with time zone NOT NULL
);

--
-- Name: identity_clients; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_clients (
    client_id text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    department text,
    secret_hash bytea,
    jwks jsonb,
    auth_method text NOT NULL,
    redirect_uris text[] DEFAULT '{}'::text[] NOT NULL,
    post_logout_redirect_uris text[] DEFAULT '{}'::text[] NOT NULL,
    grant_types text[] NOT NULL,
    scopes text[] NOT NULL,
    first_party boolean DEFAULT false NOT NULL,
    demo boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    id_token_signed_response_alg text DEFAULT 'ES256'::text NOT NULL,
    CONSTRAINT identity_clients_auth_method_check CHECK ((auth_method = ANY (ARRAY['none'::text, 'client_secret_basic'::text, 'client_secret_post'::text, 'private_key_jwt'::text]))),
    CONSTRAINT identity_clients_check CHECK (((kind = 'public'::text) = (auth_method = 'none'::text))),
    CONSTRAINT identity_clients_check1 CHECK (((auth_method <> 'private_key_jwt'::text) OR (jwks IS NOT NULL))),
    CONSTRAINT identity_clients_check2 CHECK (((auth_method <> ALL (ARRAY['client_secret_basic'::text, 'client_secret_post'::text])) OR (secret_hash IS NOT NULL))),
    CONSTRAINT identity_clients_check3 CHECK (((NOT ('client_credentials'::text = ANY (grant_types))) OR (kind = 'confidential'::text))),
    CONSTRAINT identity_clients_client_id_check CHECK ((client_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'::text)),
    CONSTRAINT identity_clients_id_token_signed_response_alg_check CHECK ((id_token_signed_response_alg = ANY (ARRAY['ES256'::text, 'RS256'::text]))),
    CONSTRAINT identity_clients_kind_check CHECK ((kind = ANY (ARRAY['public'::text, 'confidential'::text])))
);

--
-- Name: identity_consents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_consents (
    account_id uuid NOT NULL,
    client_id text NOT NULL,
    scopes text[] NOT NULL,
    granted_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: identity_enterprise_roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_enterprise_roles (
    credit_code character(18) NOT NULL,
    account_id uuid NOT NULL,
    role text NOT NULL,
    scopes text[] DEFAULT '{}'::text[] NOT NULL,
    expires_at timestamp with time zone,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT identity_enterprise_roles_check CHECK (((role = 'legal_representative'::text) OR (expires_at IS NOT NULL))),
    CONSTRAINT identity_enterprise_roles_role_check CHECK ((role = ANY (ARRAY['legal_representative'::text, 'agent'::text])))
);

--
-- Name: identity_enterprises; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_enterprises (
    credit_code character(18) NOT NULL,
    name text NOT NULL,
    demo boolean DEFAULT false NOT NULL
);

--
-- Name: identity_issued_access_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_issued_access_tokens (
    jti text NOT NULL,
    family_id uuid,
    code_hash bytea,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT identity_issued_access_tokens_check CHECK (((family_id IS NOT NULL) OR (code_hash IS NOT NULL)))
);

--
-- Name: identity_population_register; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_population_register (
    resident_id character(18) NOT NULL,
    name text NOT NULL
);

--
-- Name: identity_refresh_families; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_refresh_families (
    id uuid NOT NULL,
    client_id text NOT NULL,
    account_id uuid NOT NULL,
    scope text NOT NULL,
    acr smallint NOT NULL,
    amr text[] NOT NULL,
    auth_time timestamp with time zone NOT NULL,
    party character(18),
    code_hash bytea,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    revoked_why text
);

--
-- Name: identity_refresh_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_refresh_tokens (
    token_hash bytea NOT NULL,
    family_id uuid NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    used_at timestamp with time zone
);

--
-- Name: identity_revoked_access_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_revoked_access_tokens (
    jti text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: identity_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_sessions (
    id_hash bytea NOT NULL,
    account_id uuid NOT NULL,
    acr smallint NOT NULL,
    amr text[] NOT NULL,
    auth_time timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);

--
-- Name: identity_signing_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_signing_keys (
    kid text NOT NULL,
    alg text NOT NULL,
    private_jwk jsonb NOT NULL,
    public_jwk jsonb NOT NULL,
    development boolean NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    signs_from timestamp with time zone NOT NULL,
    published_until timestamp with time zone,
    CONSTRAINT identity_signing_keys_alg_check CHECK ((alg = ANY (ARRAY['ES256'::text, 'RS256'::text])))
);

--
-- Name: identity_sms_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_sms_codes (
    id bigint NOT NULL,
    mobile text NOT NULL,
    code_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    used_at timestamp with time zone
);

--
-- Name: identity_sms_codes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.identity_sms_codes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: identity_sms_codes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.identity_sms_codes_id_seq OWNED BY public.identity_sms_codes.id;

--
-- Name: identity_sms_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_sms_outbox (
    id bigint NOT NULL,
    mobile text NOT NULL,
    message text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: identity_sms_outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.identity_sms_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: identity_sms_outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.identity_sms_outbox_id_seq OWNED BY public.identity_sms_outbox.id;

--
-- Name: notifications_messages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications_messages (
    id bigint NOT NULL,
    account_id uuid NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    application_id uuid,
    status text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    read_at timestamp with time zone,
    title_en text,
    body_en text
);

--
-- Name: notifications_messages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.notifications_messages ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.notifications_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: registry_audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.registry_audit (
    id bigint NOT NULL,
    code text NOT NULL,
    version integer,
    action text NOT NULL,
    actor text NOT NULL,
    client_id text,
    department text,
    at timestamp with time zone DEFAULT now() NOT NULL,
    reason text,
    changes jsonb DEFAULT '[]'::jsonb NOT NULL
);

--
-- Name: registry_audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.registry_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.registry_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: registry_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.registry_items (
    code text NOT NULL,
    department text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    withdraw_at timestamp with time zone,
    withdraw_reason text,
    withdraw_by text,
    CONSTRAINT registry_items_check CHECK (((withdraw_at IS NULL) = (withdraw_reason IS NULL)))
);

--
-- Name: registry_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.registry_versions (
    code text NOT NULL,
    version integer NOT NULL,
    status text NOT NULL,
    document jsonb NOT NULL,
    content_hash bytea NOT NULL,
    based_on integer,
    effective_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    submitted_at timestamp with time zone,
    submitted_by text,
    decided_at timestamp with time zone,
    decided_by text,
    reason text,
    published_at timestamp with time zone,
    CONSTRAINT registry_versions_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'discarded'::text, 'submitted'::text, 'rejected'::text, 'scheduled'::text, 'published'::text, 'superseded'::text, 'withdrawn'::text, 'cancelled'::text]))),
    CONSTRAINT registry_versions_version_check CHECK ((version >= 1))
);

--
-- Name: results_issued; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.results_issued (
    id uuid NOT NULL,
    application_id uuid NOT NULL,
    item_code text NOT NULL,
    document text NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    revocation_reason text,
    revocation_category text,
    revoked_by text,
    CONSTRAINT results_issued_check CHECK (((revoked_at IS NULL) = (revocation_reason IS NULL))),
    CONSTRAINT results_issued_document_check CHECK ((char_length(document) <= 16384)),
    CONSTRAINT results_issued_item_code_check CHECK ((char_length(item_code) <= 64)),
    CONSTRAINT results_issued_revocation_category_check CHECK ((revocation_category = ANY (ARRAY['issued_in_error'::text, 'superseded'::text, 'fraud'::text, 'conditions_no_longer_met'::text]))),
    CONSTRAINT results_issued_revocation_reason_check CHECK (((char_length(revocation_reason) >= 1) AND (char_length(revocation_reason) <= 500))),
    CONSTRAINT results_issued_revoked_by_check CHECK ((char_length(revoked_by) <= 64))
);

--
-- Name: results_revocation_audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.results_revocation_audit (
    id bigint NOT NULL,
    result_id uuid NOT NULL,
    department text NOT NULL,
    client_id text NOT NULL,
    category text NOT NULL,
    replayed boolean NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT results_revocation_audit_client_id_check CHECK ((char_length(client_id) <= 64)),
    CONSTRAINT results_revocation_audit_department_check CHECK ((char_length(department) <= 64))
);

--
-- Name: results_revocation_audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.results_revocation_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.results_revocation_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: sharing_access_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sharing_access_log (
    id bigint NOT NULL,
    subject text NOT NULL,
    subject_kind text NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    requester text NOT NULL,
    source text NOT NULL,
    fields text[] NOT NULL,
    purpose text NOT NULL,
    application_id uuid,
    citizen_action text,
    item_code text,
    outcome text NOT NULL,
    prev_hash bytea NOT NULL,
    entry_hash bytea NOT NULL,
    CONSTRAINT sharing_access_log_check CHECK (((application_id IS NULL) <> (citizen_action IS NULL))),
    CONSTRAINT sharing_access_log_citizen_action_check CHECK (((char_length(citizen_action) >= 1) AND (char_length(citizen_action) <= 40))),
    CONSTRAINT sharing_access_log_entry_hash_check CHECK ((octet_length(entry_hash) = 32)),
    CONSTRAINT sharing_access_log_fields_check CHECK ((cardinality(fields) <= 64)),
    CONSTRAINT sharing_access_log_item_code_check CHECK ((char_length(item_code) <= 64)),
    CONSTRAINT sharing_access_log_outcome_check CHECK ((outcome = ANY (ARRAY['ok'::text, 'not_found'::text, 'unavailable'::text, 'inconsistent'::text, 'refused'::text]))),
    CONSTRAINT sharing_access_log_prev_hash_check CHECK ((octet_length(prev_hash) = 32)),
    CONSTRAINT sharing_access_log_purpose_check CHECK (((char_length(purpose) >= 1) AND (char_length(purpose) <= 40))),
    CONSTRAINT sharing_access_log_requester_check CHECK (((char_length(requester) >= 1) AND (char_length(requester) <= 100))),
    CONSTRAINT sharing_access_log_seq_check CHECK ((seq >= 1)),
    CONSTRAINT sharing_access_log_source_check CHECK ((source = ANY (ARRAY['population'::text, 'legal_person'::text, 'e_licence'::text, 'credit'::text]))),
    CONSTRAINT sharing_access_log_subject_check CHECK (((char_length(subject) >= 1) AND (char_length(subject) <= 32))),
    CONSTRAINT sharing_access_log_subject_kind_check CHECK ((subject_kind = ANY (ARRAY['person'::text, 'enterprise'::text])))
);

--
-- Name: sharing_access_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.sharing_access_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sharing_access_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: sharing_checkpoints; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sharing_checkpoints (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    last_id bigint NOT NULL,
    subjects bigint NOT NULL,
    heads_digest bytea NOT NULL,
    prev_digest bytea NOT NULL,
    key_id text NOT NULL,
    jws text NOT NULL,
    CONSTRAINT sharing_checkpoints_heads_digest_check CHECK ((octet_length(heads_digest) = 32)),
    CONSTRAINT sharing_checkpoints_prev_digest_check CHECK ((octet_length(prev_digest) = 32))
);

--
-- Name: sharing_checkpoints_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.sharing_checkpoints ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sharing_checkpoints_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: identity_audit id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_audit ALTER COLUMN id SET DEFAULT nextval('public.identity_audit_id_seq'::regclass);

--
-- Name: identity_sms_codes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sms_codes ALTER COLUMN id SET DEFAULT nextval('public.identity_sms_codes_id_seq'::regclass);

--
-- Name: identity_sms_outbox id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sms_outbox ALTER COLUMN id SET DEFAULT nextval('public.identity_sms_outbox_id_seq'::regclass);

--
-- Name: catalog_departments catalog_departments_credit_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_credit_code_key UNIQUE (credit_code);

--
-- Name: catalog_departments catalog_departments_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_name_key UNIQUE (name);

--
-- Name: catalog_departments catalog_departments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_pkey PRIMARY KEY (slug);

--
-- Name: catalog_districts catalog_districts_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_districts
    ADD CONSTRAINT catalog_districts_name_key UNIQUE (name);

--
-- Name: catalog_districts catalog_districts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_districts
    ADD CONSTRAINT catalog_districts_pkey PRIMARY KEY (code);

--
-- Name: catalog_e_licence_types catalog_e_licence_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_e_licence_types
    ADD CONSTRAINT catalog_e_licence_types_pkey PRIMARY KEY (code);

--
-- Name: catalog_item_versions catalog_item_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_item_versions
    ADD CONSTRAINT catalog_item_versions_pkey PRIMARY KEY (code, version);

--
-- Name: catalog_items catalog_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_pkey PRIMARY KEY (code);

--
-- Name: catalog_revision catalog_revision_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_revision
    ADD CONSTRAINT catalog_revision_pkey PRIMARY KEY (singleton);

--
-- Name: catalog_themes catalog_themes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_themes
    ADD CONSTRAINT catalog_themes_pkey PRIMARY KEY (code);

--
-- Name: handling_applications handling_applications_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_applications
    ADD CONSTRAINT handling_applications_number_key UNIQUE (number);

--
-- Name: handling_applications handling_applications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_applications
    ADD CONSTRAINT handling_applications_pkey PRIMARY KEY (id);

--
-- Name: handling_department_events handling_department_events_application_id_sequence_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_department_events
    ADD CONSTRAINT handling_department_events_application_id_sequence_key UNIQUE (application_id, sequence);

--
-- Name: handling_department_events handling_department_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_department_events
    ADD CONSTRAINT handling_department_events_pkey PRIMARY KEY (event_id);

--
-- Name: handling_idempotency_keys handling_idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_idempotency_keys
    ADD CONSTRAINT handling_idempotency_keys_pkey PRIMARY KEY (client_id, subject, key);

--
-- Name: handling_instant_decisions handling_instant_decisions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_instant_decisions
    ADD CONSTRAINT handling_instant_decisions_pkey PRIMARY KEY (application_id);

--
-- Name: handling_materials handling_materials_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_materials
    ADD CONSTRAINT handling_materials_pkey PRIMARY KEY (id);

--
-- Name: handling_outbox handling_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_outbox
    ADD CONSTRAINT handling_outbox_pkey PRIMARY KEY (id);

--
-- Name: handling_timeline handling_timeline_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_timeline
    ADD CONSTRAINT handling_timeline_pkey PRIMARY KEY (application_id, "position");

--
-- Name: identity_accounts identity_accounts_mobile_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_accounts
    ADD CONSTRAINT identity_accounts_mobile_key UNIQUE (mobile);

--
-- Name: identity_accounts identity_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_accounts
    ADD CONSTRAINT identity_accounts_pkey PRIMARY KEY (id);

--
-- Name: identity_accounts identity_accounts_resident_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_accounts
    ADD CONSTRAINT identity_accounts_resident_id_key UNIQUE (resident_id);

--
-- Name: identity_agent_invitations identity_agent_invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_agent_invitations
    ADD CONSTRAINT identity_agent_invitations_pkey PRIMARY KEY (id);

--
-- Name: identity_audit identity_audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_audit
    ADD CONSTRAINT identity_audit_pkey PRIMARY KEY (id);

--
-- Name: identity_authorization_codes identity_authorization_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_authorization_codes
    ADD CONSTRAINT identity_authorization_codes_pkey PRIMARY KEY (code_hash);

--
-- Name: identity_client_assertions identity_client_assertions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_client_assertions
    ADD CONSTRAINT identity_client_assertions_pkey PRIMARY KEY (client_id, jti);

--
-- Name: identity_clients identity_clients_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_clients
    ADD CONSTRAINT identity_clients_pkey PRIMARY KEY (client_id);

--
-- Name: identity_consents identity_consents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_consents
    ADD CONSTRAINT identity_consents_pkey PRIMARY KEY (account_id, client_id, scopes);

--
-- Name: identity_enterprise_roles identity_enterprise_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_enterprise_roles
    ADD CONSTRAINT identity_enterprise_roles_pkey PRIMARY KEY (credit_code, account_id);

--
-- Name: identity_enterprises identity_enterprises_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_enterprises
    ADD CONSTRAINT identity_enterprises_pkey PRIMARY KEY (credit_code);

--
-- Name: identity_issued_access_tokens identity_issued_access_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_issued_access_tokens
    ADD CONSTRAINT identity_issued_access_tokens_pkey PRIMARY KEY (jti);

--
-- Name: identity_population_register identity_population_register_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_population_register
    ADD CONSTRAINT identity_population_register_pkey PRIMARY KEY (resident_id);

--
-- Name: identity_refresh_families identity_refresh_families_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_families
    ADD CONSTRAINT identity_refresh_families_pkey PRIMARY KEY (id);

--
-- Name: identity_refresh_tokens identity_refresh_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_tokens
    ADD CONSTRAINT identity_refresh_tokens_pkey PRIMARY KEY (token_hash);

--
-- Name: identity_revoked_access_tokens identity_revoked_access_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_revoked_access_tokens
    ADD CONSTRAINT identity_revoked_access_tokens_pkey PRIMARY KEY (jti);

--
-- Name: identity_sessions identity_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sessions
    ADD CONSTRAINT identity_sessions_pkey PRIMARY KEY (id_hash);

--
-- Name: identity_signing_keys identity_signing_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_signing_keys
    ADD CONSTRAINT identity_signing_keys_pkey PRIMARY KEY (kid);

--
-- Name: identity_sms_codes identity_sms_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sms_codes
    ADD CONSTRAINT identity_sms_codes_pkey PRIMARY KEY (id);

--
-- Name: identity_sms_outbox identity_sms_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sms_outbox
    ADD CONSTRAINT identity_sms_outbox_pkey PRIMARY KEY (id);

--
-- Name: notifications_messages notifications_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications_messages
    ADD CONSTRAINT notifications_messages_pkey PRIMARY KEY (id);

--
-- Name: registry_audit registry_audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_audit
    ADD CONSTRAINT registry_audit_pkey PRIMARY KEY (id);

--
-- Name: registry_items registry_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_items
    ADD CONSTRAINT registry_items_pkey PRIMARY KEY (code);

--
-- Name: registry_versions registry_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_versions
    ADD CONSTRAINT registry_versions_pkey PRIMARY KEY (code, version);

--
-- Name: results_issued results_issued_application_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.results_issued
    ADD CONSTRAINT results_issued_application_id_key UNIQUE (application_id);

--
-- Name: results_issued results_issued_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.results_issued
    ADD CONSTRAINT results_issued_pkey PRIMARY KEY (id);

--
-- Name: results_revocation_audit results_revocation_audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.results_revocation_audit
    ADD CONSTRAINT results_revocation_audit_pkey PRIMARY KEY (id);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: sharing_access_log sharing_access_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sharing_access_log
    ADD CONSTRAINT sharing_access_log_pkey PRIMARY KEY (id);

--
-- Name: sharing_access_log sharing_access_log_subject_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sharing_access_log
    ADD CONSTRAINT sharing_access_log_subject_seq_key UNIQUE (subject, seq);

--
-- Name: sharing_checkpoints sharing_checkpoints_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sharing_checkpoints
    ADD CONSTRAINT sharing_checkpoints_pkey PRIMARY KEY (id);

--
-- Name: catalog_items_changed_revision_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_items_changed_revision_idx ON public.catalog_items USING btree (changed_revision);

--
-- Name: catalog_items_department_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_items_department_idx ON public.catalog_items USING btree (department);

--
-- Name: catalog_items_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_items_name_trgm_idx ON public.catalog_items USING gin (name public.gin_trgm_ops);

--
-- Name: handling_applications_applicant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_applications_applicant_idx ON public.handling_applications USING btree (applicant_id, submitted_at DESC, id DESC) WHERE (party_kind = 'self'::text);

--
-- Name: handling_applications_enterprise_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_applications_enterprise_idx ON public.handling_applications USING btree (credit_code, submitted_at DESC, id DESC) WHERE (credit_code IS NOT NULL);

--
-- Name: handling_idempotency_keys_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_idempotency_keys_expiry_idx ON public.handling_idempotency_keys USING btree (expires_at);

--
-- Name: handling_instant_decisions_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_instant_decisions_due_idx ON public.handling_instant_decisions USING btree (available_at) WHERE (state = 'pending'::text);

--
-- Name: handling_materials_application_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_materials_application_idx ON public.handling_materials USING btree (application_id) WHERE (application_id IS NOT NULL);

--
-- Name: handling_materials_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_materials_expiry_idx ON public.handling_materials USING btree (expires_at) WHERE (application_id IS NULL);

--
-- Name: handling_materials_owner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_materials_owner_idx ON public.handling_materials USING btree (owner_id, created_at DESC);

--
-- Name: handling_outbox_application_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_outbox_application_idx ON public.handling_outbox USING btree (application_id, id) WHERE (state = 'pending'::text);

--
-- Name: handling_outbox_dead_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_outbox_dead_idx ON public.handling_outbox USING btree (dead_at DESC, id DESC) WHERE (state = 'dead'::text);

--
-- Name: handling_outbox_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX handling_outbox_due_idx ON public.handling_outbox USING btree (available_at, id) WHERE (state = 'pending'::text);

--
-- Name: identity_agent_invitations_enterprise_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_agent_invitations_enterprise_idx ON public.identity_agent_invitations USING btree (credit_code);

--
-- Name: identity_agent_invitations_mobile_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_agent_invitations_mobile_idx ON public.identity_agent_invitations USING btree (mobile, expires_at);

--
-- Name: identity_audit_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_audit_account_idx ON public.identity_audit USING btree (account_id, at);

--
-- Name: identity_audit_event_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_audit_event_idx ON public.identity_audit USING btree (event, at);

--
-- Name: identity_enterprise_roles_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_enterprise_roles_account_idx ON public.identity_enterprise_roles USING btree (account_id);

--
-- Name: identity_issued_access_tokens_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_issued_access_tokens_code_idx ON public.identity_issued_access_tokens USING btree (code_hash);

--
-- Name: identity_issued_access_tokens_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_issued_access_tokens_expiry_idx ON public.identity_issued_access_tokens USING btree (expires_at);

--
-- Name: identity_issued_access_tokens_family_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_issued_access_tokens_family_idx ON public.identity_issued_access_tokens USING btree (family_id);

--
-- Name: identity_refresh_families_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_refresh_families_account_idx ON public.identity_refresh_families USING btree (account_id);

--
-- Name: identity_refresh_families_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_refresh_families_code_idx ON public.identity_refresh_families USING btree (code_hash);

--
-- Name: identity_refresh_tokens_family_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_refresh_tokens_family_idx ON public.identity_refresh_tokens USING btree (family_id);

--
-- Name: identity_revoked_access_tokens_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_revoked_access_tokens_expiry_idx ON public.identity_revoked_access_tokens USING btree (expires_at);

--
-- Name: identity_revoked_access_tokens_revoked_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_revoked_access_tokens_revoked_idx ON public.identity_revoked_access_tokens USING btree (revoked_at);

--
-- Name: identity_sms_codes_mobile_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_sms_codes_mobile_idx ON public.identity_sms_codes USING btree (mobile, created_at DESC);

--
-- Name: notifications_messages_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_messages_account_idx ON public.notifications_messages USING btree (account_id, id DESC);

--
-- Name: notifications_messages_application_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_messages_application_idx ON public.notifications_messages USING btree (application_id, status) WHERE (application_id IS NOT NULL);

--
-- Name: notifications_messages_unread_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_messages_unread_idx ON public.notifications_messages USING btree (account_id, id) WHERE (read_at IS NULL);

--
-- Name: registry_audit_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX registry_audit_code_idx ON public.registry_audit USING btree (code, id);

--
-- Name: registry_items_department_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX registry_items_department_idx ON public.registry_items USING btree (department, code);

--
-- Name: registry_items_withdraw_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX registry_items_withdraw_due_idx ON public.registry_items USING btree (withdraw_at) WHERE (withdraw_at IS NOT NULL);

--
-- Name: registry_versions_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX registry_versions_due_idx ON public.registry_versions USING btree (effective_at) WHERE (status = 'scheduled'::text);

--
-- Name: registry_versions_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX registry_versions_pending_idx ON public.registry_versions USING btree (code) WHERE (status = ANY (ARRAY['draft'::text, 'submitted'::text, 'scheduled'::text]));

--
-- Name: registry_versions_published_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX registry_versions_published_idx ON public.registry_versions USING btree (code) WHERE (status = 'published'::text);

--
-- Name: registry_versions_queue_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX registry_versions_queue_idx ON public.registry_versions USING btree (submitted_at) WHERE (status = 'submitted'::text);

--
-- Name: results_revocation_audit_result; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX results_revocation_audit_result ON public.results_revocation_audit USING btree (result_id);

--
-- Name: sharing_access_log_subject_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sharing_access_log_subject_at_idx ON public.sharing_access_log USING btree (subject, at DESC, id DESC);

--
-- Name: catalog_departments catalog_departments_stamp_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER catalog_departments_stamp_change AFTER INSERT OR DELETE OR UPDATE ON public.catalog_departments FOR EACH ROW EXECUTE FUNCTION public.catalog_stamp_reference_change();

--
-- Name: catalog_districts catalog_districts_stamp_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER catalog_districts_stamp_change AFTER INSERT OR DELETE OR UPDATE ON public.catalog_districts FOR EACH ROW EXECUTE FUNCTION public.catalog_stamp_reference_change();

--
-- Name: catalog_e_licence_types catalog_e_licence_types_stamp_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER catalog_e_licence_types_stamp_change AFTER INSERT OR DELETE OR UPDATE ON public.catalog_e_licence_types FOR EACH ROW EXECUTE FUNCTION public.catalog_stamp_reference_change();

--
-- Name: catalog_items catalog_items_stamp_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER catalog_items_stamp_change BEFORE INSERT OR UPDATE ON public.catalog_items FOR EACH ROW EXECUTE FUNCTION public.catalog_stamp_item_change();

--
-- Name: catalog_themes catalog_themes_stamp_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER catalog_themes_stamp_change AFTER INSERT OR DELETE OR UPDATE ON public.catalog_themes FOR EACH ROW EXECUTE FUNCTION public.catalog_stamp_reference_change();

--
-- Name: sharing_access_log sharing_access_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sharing_access_log_append_only BEFORE DELETE OR UPDATE ON public.sharing_access_log FOR EACH ROW EXECUTE FUNCTION public.sharing_access_log_append_only();

--
-- Name: sharing_checkpoints sharing_checkpoints_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sharing_checkpoints_append_only BEFORE DELETE OR UPDATE ON public.sharing_checkpoints FOR EACH ROW EXECUTE FUNCTION public.sharing_access_log_append_only();

--
-- Name: catalog_item_versions catalog_item_versions_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_item_versions
    ADD CONSTRAINT catalog_item_versions_code_fkey FOREIGN KEY (code) REFERENCES public.catalog_items(code);

--
-- Name: catalog_items catalog_items_department_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_department_fkey FOREIGN KEY (department) REFERENCES public.catalog_departments(slug);

--
-- Name: catalog_items catalog_items_district_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_district_fkey FOREIGN KEY (district) REFERENCES public.catalog_districts(code);

--
-- Name: handling_applications handling_applications_applicant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_applications
    ADD CONSTRAINT handling_applications_applicant_id_fkey FOREIGN KEY (applicant_id) REFERENCES public.identity_accounts(id);

--
-- Name: handling_applications handling_applications_credit_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_applications
    ADD CONSTRAINT handling_applications_credit_code_fkey FOREIGN KEY (credit_code) REFERENCES public.identity_enterprises(credit_code);

--
-- Name: handling_department_events handling_department_events_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_department_events
    ADD CONSTRAINT handling_department_events_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: handling_idempotency_keys handling_idempotency_keys_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_idempotency_keys
    ADD CONSTRAINT handling_idempotency_keys_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: handling_instant_decisions handling_instant_decisions_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_instant_decisions
    ADD CONSTRAINT handling_instant_decisions_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: handling_materials handling_materials_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_materials
    ADD CONSTRAINT handling_materials_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE SET NULL;

--
-- Name: handling_materials handling_materials_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_materials
    ADD CONSTRAINT handling_materials_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.identity_accounts(id);

--
-- Name: handling_outbox handling_outbox_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_outbox
    ADD CONSTRAINT handling_outbox_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: handling_timeline handling_timeline_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.handling_timeline
    ADD CONSTRAINT handling_timeline_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: identity_agent_invitations identity_agent_invitations_credit_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_agent_invitations
    ADD CONSTRAINT identity_agent_invitations_credit_code_fkey FOREIGN KEY (credit_code) REFERENCES public.identity_enterprises(credit_code) ON DELETE CASCADE;

--
-- Name: identity_agent_invitations identity_agent_invitations_invited_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_agent_invitations
    ADD CONSTRAINT identity_agent_invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: identity_authorization_codes identity_authorization_codes_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_authorization_codes
    ADD CONSTRAINT identity_authorization_codes_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: identity_authorization_codes identity_authorization_codes_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_authorization_codes
    ADD CONSTRAINT identity_authorization_codes_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.identity_clients(client_id) ON DELETE CASCADE;

--
-- Name: identity_authorization_codes identity_authorization_codes_party_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_authorization_codes
    ADD CONSTRAINT identity_authorization_codes_party_fkey FOREIGN KEY (party) REFERENCES public.identity_enterprises(credit_code);

--
-- Name: identity_client_assertions identity_client_assertions_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_client_assertions
    ADD CONSTRAINT identity_client_assertions_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.identity_clients(client_id) ON DELETE CASCADE;

--
-- Name: identity_consents identity_consents_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_consents
    ADD CONSTRAINT identity_consents_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: identity_consents identity_consents_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_consents
    ADD CONSTRAINT identity_consents_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.identity_clients(client_id) ON DELETE CASCADE;

--
-- Name: identity_enterprise_roles identity_enterprise_roles_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_enterprise_roles
    ADD CONSTRAINT identity_enterprise_roles_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: identity_enterprise_roles identity_enterprise_roles_credit_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_enterprise_roles
    ADD CONSTRAINT identity_enterprise_roles_credit_code_fkey FOREIGN KEY (credit_code) REFERENCES public.identity_enterprises(credit_code) ON DELETE CASCADE;

--
-- Name: identity_issued_access_tokens identity_issued_access_tokens_family_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_issued_access_tokens
    ADD CONSTRAINT identity_issued_access_tokens_family_id_fkey FOREIGN KEY (family_id) REFERENCES public.identity_refresh_families(id) ON DELETE CASCADE;

--
-- Name: identity_refresh_families identity_refresh_families_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_families
    ADD CONSTRAINT identity_refresh_families_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: identity_refresh_families identity_refresh_families_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_families
    ADD CONSTRAINT identity_refresh_families_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.identity_clients(client_id) ON DELETE CASCADE;

--
-- Name: identity_refresh_families identity_refresh_families_party_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_families
    ADD CONSTRAINT identity_refresh_families_party_fkey FOREIGN KEY (party) REFERENCES public.identity_enterprises(credit_code);

--
-- Name: identity_refresh_tokens identity_refresh_tokens_family_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_refresh_tokens
    ADD CONSTRAINT identity_refresh_tokens_family_id_fkey FOREIGN KEY (family_id) REFERENCES public.identity_refresh_families(id) ON DELETE CASCADE;

--
-- Name: identity_sessions identity_sessions_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sessions
    ADD CONSTRAINT identity_sessions_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: notifications_messages notifications_messages_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications_messages
    ADD CONSTRAINT notifications_messages_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.identity_accounts(id) ON DELETE CASCADE;

--
-- Name: registry_audit registry_audit_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_audit
    ADD CONSTRAINT registry_audit_code_fkey FOREIGN KEY (code) REFERENCES public.registry_items(code);

--
-- Name: registry_items registry_items_department_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_items
    ADD CONSTRAINT registry_items_department_fkey FOREIGN KEY (department) REFERENCES public.catalog_departments(slug);

--
-- Name: registry_versions registry_versions_code_based_on_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_versions
    ADD CONSTRAINT registry_versions_code_based_on_fkey FOREIGN KEY (code, based_on) REFERENCES public.registry_versions(code, version);

--
-- Name: registry_versions registry_versions_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.registry_versions
    ADD CONSTRAINT registry_versions_code_fkey FOREIGN KEY (code) REFERENCES public.registry_items(code);

--
-- Name: results_issued results_issued_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.results_issued
    ADD CONSTRAINT results_issued_application_id_fkey FOREIGN KEY (application_id) REFERENCES public.handling_applications(id) ON DELETE CASCADE;

--
-- Name: results_revocation_audit results_revocation_audit_result_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.results_revocation_audit
    ADD CONSTRAINT results_revocation_audit_result_id_fkey FOREIGN KEY (result_id) REFERENCES public.results_issued(id);

--
-- PostgreSQL database dump complete
--
