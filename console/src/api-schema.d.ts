// Generated from the OpenAPI document by test/openapi.spec.ts (UPDATE_API_TYPES=1 rewrites it). Do not edit.
export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A fleet agent: one MQTT connection reporting for its devices */
        Agent: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Agent id (its MQTT client id)
             * @example gateway-north
             */
            id: string;
            /**
             * @description Display name
             * @example North site gateway
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * Format: int64
             * @description Last change in milliseconds
             * @example 1707244800000
             */
            updatedAt: number;
        };
        /** @description A page of agents */
        AgentPage: {
            /** @description The agents of this page */
            items: components["schemas"]["Agent"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 50
             */
            size: number;
            /**
             * @description Agents in all
             * @example 1
             */
            total: number;
        };
        /** @description An API token (its clear text is shown once, at creation) */
        ApiToken: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Token ID
             * @example 3
             */
            id: number;
            /**
             * @description Token name
             * @example ci
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description What it may do
             * @example [
             *       "devices.*",
             *       "mqtt.*"
             *     ]
             */
            scopes: string[];
        };
        /** @description A page of API tokens */
        ApiTokenPage: {
            /** @description The tokens of this page */
            items: components["schemas"]["ApiToken"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 50
             */
            size: number;
            /**
             * @description Tokens in all
             * @example 1
             */
            total: number;
        };
        BasicAuthDto: {
            /**
             * @description Basic authentication password (answered masked: ********)
             * @example s3cret
             */
            password: string;
            /**
             * @description Basic authentication user
             * @example gateway
             */
            username: string;
        };
        /** @description Bold's answer to a new subscription */
        BoldCreated: {
            /**
             * @description Subscription ID (the webhook ID)
             * @example 2
             */
            id: number;
            /**
             * @description The HMAC key callbacks are signed with (shown once)
             * @example bSxyOp4vaSNpvyUMfrA98WsOqRSlzBBB
             */
            secretHmac: string;
        };
        /** @description Bold's error body (seed 002) */
        BoldError: {
            /**
             * @description A stable code
             * @example WebhookUnsupportedProtocol
             */
            code: string;
            /**
             * @description Same as code
             * @example WebhookUnsupportedProtocol
             */
            errorCode?: string;
            /**
             * @description Same as message
             * @example Unsupported protocol: We only support https for now.
             */
            errorMessage?: string;
            /**
             * @description What is wrong
             * @example Unsupported protocol: We only support https for now.
             */
            message: string;
        };
        /** @description A Bold subscription, as its POST body named it */
        BoldSubscription: {
            /**
             * @description Device groups it covers
             * @example []
             */
            deviceGroupIds: number[];
            /**
             * @description Devices it covers
             * @example [
             *       85,
             *       86,
             *       87
             *     ]
             */
            deviceIds: number[];
            /**
             * @description Subscription ID (the webhook ID)
             * @example 2
             */
            id: number;
            /**
             * @description Organization ID
             * @example 6
             */
            organizationId: number;
            /**
             * @description Event topics
             * @example [
             *       "DeviceStatusEvents"
             *     ]
             */
            topics: ("DeviceActivationEvents" | "DeviceDeactivationEvents" | "DeviceStatusEvents" | "DeviceTamperEvents")[];
            /**
             * @description Where callbacks go
             * @example https://webhooks.athom.com/webhook/XXXXX
             */
            webhookUrl: string;
        };
        /** @description The command published, or the device's reply (waitForReply) */
        CommandSent: {
            /**
             * @description Without waitForReply: published
             * @example true
             */
            published?: boolean;
            /**
             * @description Without waitForReply: its QoS
             * @example 1
             * @enum {integer}
             */
            qos?: 0 | 1;
            /**
             * @description With waitForReply: the device's reply
             * @example {
             *       "ok": true
             *     }
             */
            reply?: Record<string, never>;
            /**
             * @description With waitForReply: the id the reply carries
             * @example r_5f2c9a
             */
            replyId?: string;
            /**
             * @description Without waitForReply: retained
             * @example false
             */
            retain?: boolean;
            /**
             * @description The topic it was published to
             * @example devices/pump-1/downlink/set
             */
            topic: string;
        };
        ConditionDto: {
            /**
             * @description Fires only after the condition has held this long (ms, at most a day)
             * @example 60000
             */
            forMs?: number;
            /**
             * @description How far back across the threshold the value must go before it can fire again
             * @example 0.5
             */
            hysteresis?: number;
            /**
             * @description How the new value is compared: any, changed, eq … lt, between/outside value and value2
             * @example gt
             * @enum {string}
             */
            op: "any" | "changed" | "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "between" | "outside";
            /**
             * @description The value compared against (a number for gt, gte, lt, lte, between, outside)
             * @example 30
             */
            value?: number | string | boolean;
            /**
             * @description between/outside: the upper bound
             * @example 40
             */
            value2?: number;
        };
        CreateAgentDto: {
            /**
             * @description Agent id (its MQTT client id); generated when absent
             * @example gateway-north
             */
            id?: string;
            /**
             * @description Display name, 1 to 100 characters
             * @example North site gateway
             */
            name: string;
        };
        CreateBoldWebhookDto: {
            /**
             * @description Device groups it covers
             * @example []
             */
            deviceGroupIds?: number[];
            /**
             * @description Devices it covers (deviceIds, deviceGroupIds or both)
             * @example [
             *       85,
             *       86,
             *       87
             *     ]
             */
            deviceIds?: number[];
            /**
             * @description The token's organization (another is refused: 403)
             * @example 6
             */
            organizationId: number;
            /**
             * @description A simple secret, sent verbatim in the X-Webhook-Secret header of every callback
             * @example PoWJFA11inptkbGz
             */
            secretHttp?: string;
            /**
             * @description Event topics
             * @example [
             *       "DeviceStatusEvents"
             *     ]
             */
            topics: ("DeviceActivationEvents" | "DeviceDeactivationEvents" | "DeviceStatusEvents" | "DeviceTamperEvents")[];
            /**
             * @description Where callbacks go (https)
             * @example https://webhooks.athom.com/webhook/XXXXX
             */
            webhookUrl: string;
        };
        /** @description A new agent with its MQTT password (shown this once) */
        CreatedAgent: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Agent id (its MQTT client id)
             * @example gateway-north
             */
            id: string;
            /**
             * @description Display name
             * @example North site gateway
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description MQTT password, shown once
             * @example agt_7d1e9b3c5a2f4e8d6c0b
             */
            token: string;
            /**
             * Format: int64
             * @description Last change in milliseconds
             * @example 1707244800000
             */
            updatedAt: number;
        };
        /** @description A new API token with its clear text (shown once) */
        CreatedApiToken: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Token ID
             * @example 3
             */
            id: number;
            /**
             * @description Token name
             * @example ci
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description What it may do
             * @example [
             *       "devices.*",
             *       "mqtt.*"
             *     ]
             */
            scopes: string[];
            /**
             * @description The bearer token, shown once
             * @example gw_8c1d4e7f2a9b3c6d5e0f
             */
            token: string;
        };
        /** @description A new device with its MQTT password (shown this once) */
        CreatedDevice: {
            /**
             * @description The fleet agent reporting for it
             * @example null
             */
            agentId: string | null;
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * Format: int64
             * @description First MQTT connection (null: never)
             * @example 1707244800000
             */
            firstConnectedAt: number | null;
            /**
             * @description Groups it belongs to
             * @example [
             *       "basement"
             *     ]
             */
            groupIds: string[];
            /**
             * @description Device id, globally unique (the MQTT client id)
             * @example pump-1
             */
            id: string;
            /** @description Its last log event (null: none) */
            lastEvent: components["schemas"]["DeviceLogEvent"] | null;
            /**
             * Format: int64
             * @description Last time it was heard from (null: never)
             * @example 1707244800000
             */
            lastSeen: number | null;
            /**
             * @description Free metadata (placeholders can name it)
             * @example {
             *       "site": "north"
             *     }
             */
            metadata: {
                [key: string]: unknown;
            };
            /**
             * @description Display name
             * @example Pump 1
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description When the device last reported its own name, type, template or metadata (MQTT info), in milliseconds
             * @example 1700000000000
             */
            reportedAt?: number;
            /**
             * @description Sequence number of the device's last event
             * @example 12
             */
            seq: number;
            /**
             * @description Presence
             * @example online
             * @enum {string}
             */
            status: "online" | "offline" | "utilizing" | "unplugged";
            /**
             * @description Its template
             * @example TMPL0001
             */
            templateId: string | null;
            /**
             * @description MQTT password, shown once
             * @example dev_4f9c2a7b1e8d4c6a9b3e
             */
            token: string;
            /**
             * @description Device type
             * @example PRIVATE
             * @enum {string}
             */
            type: "PRIVATE" | "LOCAL" | "PUBLIC";
            /**
             * Format: int64
             * @description When REST last changed its configuration, in milliseconds
             * @example 1707244800000
             */
            updatedAt: number;
            /**
             * @description Last value per datastream
             * @example {
             *       "temperature": {
             *         "value": 21.5,
             *         "ts": 1707244800000
             *       }
             *     }
             */
            values: {
                [key: string]: components["schemas"]["DatastreamValue"];
            };
        };
        CreateDeviceDto: {
            /**
             * @description The fleet agent reporting for it (null clears it)
             * @example gateway-north
             */
            agentId?: string;
            /**
             * @description Groups it belongs to (at most 50)
             * @example [
             *       "basement"
             *     ]
             */
            groupIds?: string[];
            /**
             * @description Globally unique id (the MQTT client id); generated when absent
             * @example pump-1
             */
            id?: string;
            /**
             * @description Free metadata (placeholders can name it)
             * @example {
             *       "site": "north"
             *     }
             */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * @description Display name, 1 to 100 characters
             * @example Pump 1
             */
            name: string;
            /**
             * @description Its template (null clears it)
             * @example TMPL0001
             */
            templateId?: string;
            /**
             * @description Device type
             * @default PRIVATE
             * @enum {string}
             */
            type?: "PRIVATE" | "LOCAL" | "PUBLIC";
        };
        /** @description A new sub-organization with its admin token (shown once) */
        CreatedOrganization: {
            /**
             * @description An API token with every scope in it, shown once
             * @example gw_8c1d4e7f2a9b3c6d5e0f
             */
            adminToken: string;
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Organization ID
             * @example 101
             */
            id: number;
            /**
             * @description Organization name
             * @example Acme
             */
            name: string;
            /**
             * @description The organization it is a sub-organization of (null: top level)
             * @example 1
             */
            parentId: number | null;
        };
        /** @description A new webhook, with its signing secret (shown this once) */
        CreatedWebhook: {
            /**
             * @description Total number of execution attempts
             * @example 42
             */
            attemptCount: number;
            /**
             * @description Authentication type
             * @example NONE
             * @enum {string}
             */
            authType: "NONE" | "BASIC" | "BEARER" | "OAUTH2";
            /**
             * @description authType BASIC: password, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            basicAuth: components["schemas"]["BasicAuthDto"] | null;
            /**
             * @description authType BEARER: the token, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            bearerToken: string | null;
            /**
             * @description Request body template
             * @example {"device_id": "{device_id}"}
             */
            body: string;
            /**
             * @description Content type of the webhook request
             * @example JSON
             * @enum {string}
             */
            contentType: "JSON" | "PLAIN_TEXT" | "URL_ENCODED_FORM";
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Data trigger configuration (for datastream, log event, status and inbound triggers)
             * @example null
             */
            dataTrigger: components["schemas"]["DataTriggerDto"] | null;
            /**
             * @description Free text (Kobiton)
             * @example
             */
            description: string;
            /**
             * @description Consecutive failures counted so far; a success resets it
             * @example 0
             */
            failureCount: number;
            /**
             * @description Consecutive failures that disable the webhook: the one that opened its circuit breaker, then each failed probe (one delivery at a time while the endpoint fails, on the retry schedule)
             * @example 10
             */
            failureLimit: number;
            /**
             * @description User IDs to notify on webhook failure
             * @example [
             *       7
             *     ]
             */
            failureReceivers: number[];
            /**
             * @description URL_ENCODED_FORM: the form fields (templates)
             * @example {}
             */
            formBody: {
                [key: string]: string;
            };
            /**
             * @description Extra request headers
             * @example {}
             */
            headers: {
                [key: string]: string;
            };
            /** @description Bold's secretHttp (X-Webhook-Secret header), masked: ******** (send it back unchanged to keep the stored one) */
            httpSecret?: string;
            /**
             * @description Webhook ID
             * @example 1
             */
            id: number;
            /**
             * Format: int64
             * @description Last modification timestamp in milliseconds
             * @example 1707244800000
             */
            lastModifiedTs: number;
            /**
             * Format: int64
             * @description Last trigger timestamp in milliseconds (null: never)
             * @example 1707244800000
             */
            lastTriggeredTs: number | null;
            /**
             * @description HTTP method for webhook
             * @example POST
             * @enum {string}
             */
            method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
            /**
             * @description Webhook name
             * @example Device Status Notification
             */
            name: string;
            /**
             * @description OAuth2 configuration (authType OAUTH2): clientSecret, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            oAuth2Request: components["schemas"]["OAuth2RequestDto"] | null;
            /**
             * @description bold: created by Bold's POST /v2/webhooks (callbacks name the Bold topic, carry a plain HMAC)
             * @enum {string}
             */
            origin?: "bold";
            /**
             * Format: int64
             * @description After a secret rotation: until when (ms) callbacks are signed with the previous secret too
             * @example null
             */
            previousSecretExpiresAt: number | null;
            /**
             * @description Callbacks per minute at most; over it a delivery waits. null or absent: no limit
             * @example null
             */
            rateLimitPerMinute?: number | null;
            /**
             * @description The whsec_… signing secret
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
            /**
             * @description How callbacks are signed
             * @example {
             *       "type": "STANDARD_WEBHOOKS"
             *     }
             */
            signature: components["schemas"]["SignatureDto"];
            /**
             * @description DISABLED (by its owner): records nothing. DISABLED_DUE_TO_ERRORS: what matches is held (up to WEBHOOK_HELD_MAX) and sent, oldest first, when set to ENABLED again
             * @example ENABLED
             * @enum {string}
             */
            status: "ENABLED" | "DISABLED" | "DISABLED_DUE_TO_ERRORS";
            /**
             * @description Webhook trigger type
             * @example DEVICE_ADDED
             * @enum {string}
             */
            trigger: "NEW_USER" | "DELETED_USER" | "UPDATED_USER" | "DEVICE_ADDED" | "DEVICE_DELETED" | "DEVICE_DATASTREAM_UPDATE" | "PRODUCT_DATASTREAM_UPDATE" | "GLOBAL_PRODUCT_DATASTREAM_UPDATE" | "DEVICE_LOG_EVENT" | "PRODUCT_LOG_EVENT" | "GLOBAL_PRODUCT_LOG_EVENT" | "FIRST_DEVICE_CONNECTION_IN_ORG" | "ORGANIZATION_ADDED" | "DEVICE_STATUS" | "DEVICE_EVENTS" | "INBOUND_WEBHOOK_RECEIVED";
            /**
             * @description Webhook URL. Supports placeholders such as {device_id}, {user_id}.
             * @example https://example.com/webhook/{device_id}
             */
            url: string;
        };
        CreateInboundWebhookDto: {
            /** @description Basic authentication password (null clears it) */
            basicAuthPassword?: string | null;
            /** @description Basic authentication user of callers (null clears it) */
            basicAuthUsername?: string | null;
            /**
             * @description Free text
             * @example Pump commands from the ERP
             */
            description?: string;
            /**
             * @description Disabled: calls are refused (403)
             * @default true
             */
            enabled?: boolean;
            /**
             * @description Webhook name, 1 to 255 characters
             * @example My Webhook
             */
            name: string;
            /**
             * @description HTTP status answered to callers (100 to 599)
             * @default 200
             */
            responseCode?: number;
            /**
             * @description Where calls are published: exactly one of deviceId, templateId, groupId, topic (none: calls only raise inbound.received)
             * @example {
             *       "deviceId": "pump-1"
             *     }
             */
            target?: components["schemas"]["InboundTargetDto"] | null;
            /** @description Losant's verification code (kept, not used) */
            verificationCode?: string;
            /**
             * @description Verification of callers (none: the only type implemented)
             * @enum {string}
             */
            verificationType?: "none";
            /**
             * @description Answer with the device's reply instead of responseCode
             * @default false
             */
            waitForReply?: boolean;
        };
        CreateOrganizationDto: {
            /**
             * @description Organization name, 1 to 100 characters
             * @example Acme North
             */
            name: string;
        };
        CreateTemplateDto: {
            /**
             * @description Free text, at most 1024 characters
             * @example Pumps of the north site
             */
            description?: string;
            /**
             * @description Chosen by the caller, or generated (TMPL…); devices name it in templateId
             * @example TMPL0001
             */
            id?: string;
            /**
             * @description Template name, 1 to 100 characters
             * @example Water pump
             */
            name: string;
        };
        CreateTokenDto: {
            /**
             * @description Token name, 1 to 100 characters
             * @example ci
             */
            name: string;
            /**
             * @description What it may do (within the caller’s own scopes): all.Organization, devices.*, device.get …
             * @example [
             *       "devices.*",
             *       "mqtt.*"
             *     ]
             */
            scopes: string[];
        };
        CreateUserDto: {
            /**
             * @description E-mail address (notices are mailed there)
             * @example ops@example.com
             */
            email: string;
            /**
             * @description Display name, 1 to 100 characters
             * @example Ops team
             */
            name: string;
        };
        CreateWebhookDto: {
            /**
             * @description Authentication type
             * @default NONE
             * @enum {string}
             */
            authType?: "NONE" | "BASIC" | "BEARER" | "OAUTH2";
            /** @description authType BASIC: the credentials */
            basicAuth?: components["schemas"]["BasicAuthDto"];
            /**
             * @description authType BEARER: the token (answered masked: ********)
             * @example tok_abc123
             */
            bearerToken?: string;
            /**
             * @description Request body template (placeholders such as {device_id}, {value})
             * @example {"device_id": "{device_id}"}
             */
            body?: string;
            /**
             * @description Content type of the webhook request
             * @default JSON
             * @enum {string}
             */
            contentType?: "JSON" | "PLAIN_TEXT" | "URL_ENCODED_FORM";
            /** @description Data trigger configuration (required for datastream and log event triggers) */
            dataTrigger?: components["schemas"]["DataTriggerDto"];
            /**
             * @description Free text, at most 512 characters
             * @example Tells the ops channel when a pump goes offline
             */
            description?: string;
            /**
             * @description Consecutive failed probes of the endpoint (circuit breaker) before it is disabled due to errors
             * @default 10
             */
            failureLimit?: number;
            /**
             * @description User IDs to notify on webhook failure (at most 10)
             * @example [
             *       7
             *     ]
             */
            failureReceivers?: number[];
            /**
             * @description URL_ENCODED_FORM: the form fields (templates)
             * @example {
             *       "device": "{device_id}"
             *     }
             */
            formBody?: {
                [key: string]: string;
            };
            /**
             * @description Extra request headers
             * @example {
             *       "X-Source": "gateway"
             *     }
             */
            headers?: {
                [key: string]: string;
            };
            /**
             * @description HTTP method for webhook
             * @default POST
             * @enum {string}
             */
            method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
            /**
             * @description Webhook name: trimmed, 1 to 50 characters, unique in the organization (Kobiton)
             * @example Device Status Notification
             */
            name: string;
            /** @description OAuth2 configuration (used when authType is OAUTH2) */
            oAuth2Request?: components["schemas"]["OAuth2RequestDto"];
            /**
             * @description Callbacks per minute at most (Blynk: 10); over it a delivery waits. null: none
             * @example 10
             */
            rateLimitPerMinute?: number | null;
            /** @description How callbacks are signed (default: Standard Webhooks) */
            signature?: components["schemas"]["SignatureDto"];
            /**
             * @description Webhook status. DISABLED_DUE_TO_ERRORS is set by the gateway; ENABLED again sends what was held
             * @default ENABLED
             * @enum {string}
             */
            status?: "ENABLED" | "DISABLED" | "DISABLED_DUE_TO_ERRORS";
            /**
             * @description Webhook trigger type
             * @example DEVICE_ADDED
             * @enum {string}
             */
            trigger: "NEW_USER" | "DELETED_USER" | "UPDATED_USER" | "DEVICE_ADDED" | "DEVICE_DELETED" | "DEVICE_DATASTREAM_UPDATE" | "PRODUCT_DATASTREAM_UPDATE" | "GLOBAL_PRODUCT_DATASTREAM_UPDATE" | "DEVICE_LOG_EVENT" | "PRODUCT_LOG_EVENT" | "GLOBAL_PRODUCT_LOG_EVENT" | "FIRST_DEVICE_CONNECTION_IN_ORG" | "ORGANIZATION_ADDED" | "DEVICE_STATUS" | "DEVICE_EVENTS" | "INBOUND_WEBHOOK_RECEIVED";
            /**
             * @description Webhook URL. Supports placeholders such as {device_id}, {user_id}.
             * @example https://example.com/webhook/{device_id}
             */
            url: string;
        };
        /** @description The presented API token */
        CurrentToken: {
            /**
             * @description Token ID
             * @example 3
             */
            id: number;
            /**
             * @description Token name
             * @example ci
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description What it may do
             * @example [
             *       "devices.*",
             *       "mqtt.*"
             *     ]
             */
            scopes: string[];
        };
        /** @description A datastream's values in a window, ascending */
        DatastreamHistory: {
            /**
             * @description Datastream name
             * @example temp
             */
            datastream: string;
            /**
             * @description Device id
             * @example pump-1
             */
            deviceId: string;
            /**
             * Format: int64
             * @description Window start, inclusive (ms)
             * @example 1765065600000
             */
            from: number;
            /** @description Values, oldest first */
            points: components["schemas"]["HistoryPoint"][];
            /**
             * Format: int64
             * @description Window end, inclusive (ms)
             * @example 1765065600000
             */
            to: number;
            /**
             * @description More values than `limit` in the window: these are the most recent
             * @example false
             */
            truncated: boolean;
        };
        /** @description A datastream's window in buckets, ascending */
        DatastreamHistoryBuckets: {
            /**
             * @description Bucket width (ms)
             * @example 300000
             */
            bucketMs: number;
            /** @description Non-empty buckets, oldest first */
            buckets: components["schemas"]["HistoryBucket"][];
            /**
             * @description Datastream name
             * @example temp
             */
            datastream: string;
            /**
             * @description Device id
             * @example pump-1
             */
            deviceId: string;
            /**
             * Format: int64
             * @description Window start, inclusive (ms)
             * @example 1765065600000
             */
            from: number;
            /**
             * Format: int64
             * @description Window end, inclusive (ms)
             * @example 1765065600000
             */
            to: number;
        };
        /** @description The last value of one datastream */
        DatastreamValue: {
            /**
             * Format: int64
             * @description When it arrived (ms)
             * @example 1707244800000
             */
            ts: number;
            /**
             * @description The value as the device sent it (number, string, boolean or JSON)
             * @example 21.5
             */
            value: number | string | boolean | {
                [key: string]: unknown;
            };
        };
        DataTriggerDto: {
            /** @description Datastream triggers: fire only when the new value meets it */
            condition?: components["schemas"]["ConditionDto"];
            /**
             * @description The datastream whose updates fire it (required for datastream triggers)
             * @example temperature
             */
            dataStream?: string;
            /**
             * @description Only devices in these groups
             * @example [
             *       "basement"
             *     ]
             */
            deviceGroupIds?: string[];
            /**
             * @description Only this device
             * @example pump-1
             */
            deviceId?: string;
            /**
             * @description Only these devices
             * @example [
             *       "pump-1"
             *     ]
             */
            deviceIds?: string[];
            /**
             * @description The log-event code that fires it (required for log-event triggers)
             * @example overheat
             */
            eventCode?: string;
            /**
             * @description DEVICE_EVENTS: log-event codes that fire it
             * @example [
             *       "overheat",
             *       "door_open"
             *     ]
             */
            eventCodes?: string[];
            /**
             * @description INBOUND_WEBHOOK_RECEIVED: only calls to this inbound webhook
             * @example 65f1c0ffee0000000000beef
             */
            inboundWebhookId?: string;
            /**
             * @description DEVICE_STATUS and DEVICE_EVENTS: the statuses that fire it
             * @example [
             *       "OFFLINE"
             *     ]
             */
            statuses?: ("online" | "offline" | "utilizing" | "unplugged")[];
            /**
             * @description Only devices of this template (PRODUCT_* triggers)
             * @example TMPL0001
             */
            templateId?: string;
            /**
             * @description At most one callback per device in this many ms
             * @example 60000
             */
            throttleMs?: number;
        };
        /** @description One matched event for one webhook: the outbox row with its attempts */
        Delivery: {
            /**
             * @description How many attempts were made
             * @example 1
             */
            attemptCount: number;
            /** @description Its HTTP attempts, first first */
            attempts: components["schemas"]["DeliveryAttempt"][];
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description The device the event is about
             * @example pump-1
             */
            deviceId: string;
            /**
             * @description Why it was dropped
             * @example null
             */
            dropReason: string | null;
            /**
             * @description The event that matched
             * @example device.status.offline
             */
            event: string;
            /**
             * @description Delivery ID
             * @example 1
             */
            id: number;
            /**
             * @description The last attempt's error
             * @example null
             */
            lastError: string | null;
            /**
             * @description The last attempt's HTTP status
             * @example 200
             */
            lastStatusCode: number | null;
            /**
             * @description The matched event and the device as it was then (null in rows stored before)
             * @example {
             *       "event": {
             *         "kind": "device.status",
             *         "key": "OFFLINE",
             *         "deviceId": "pump-1",
             *         "ts": 1707244800000
             *       }
             *     }
             */
            matched: {
                [key: string]: unknown;
            } | null;
            /**
             * @description The webhook-id header, the same across attempts and replays (receivers de-duplicate by it)
             * @example msg_2b1f8c0e9a7d4e5f
             */
            messageId: string;
            /**
             * Format: int64
             * @description When the next attempt is due (null: none)
             * @example null
             */
            nextAttemptAt: number | null;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * Format: int64
             * @description Send time the current rendering uses (null: not rendered yet)
             * @example 1707244800000
             */
            renderedAt: number | null;
            /**
             * Format: int64
             * @description The webhook's lastModifiedTs this rendering was made for
             * @example 1707244800000
             */
            renderedFor: number | null;
            /** @description The request the next attempt sends */
            request: components["schemas"]["RenderedRequest"] | null;
            /**
             * @description Attempts before the current round (a replay starts a new round)
             * @example 0
             */
            roundStart: number;
            /**
             * @description pending: waiting for its next attempt. held: kept while its webhook is disabled. delivered, failed (retries exhausted, or 410) and dropped (webhook deleted) are final
             * @example delivered
             * @enum {string}
             */
            status: "pending" | "held" | "delivered" | "failed" | "dropped";
            /**
             * Format: int64
             * @description Last change in milliseconds
             * @example 1707244800000
             */
            updatedAt: number;
            /**
             * @description Webhook ID
             * @example 1
             */
            webhookId: number;
        };
        /** @description One HTTP attempt of a delivery */
        DeliveryAttempt: {
            /**
             * @description The delivery
             * @example 1
             */
            deliveryId: number;
            /**
             * @description How long the receiver took to answer (ms)
             * @example 84
             */
            durationMs: number;
            /**
             * @description Why it failed without an answer
             * @example null
             */
            error: string | null;
            /**
             * @description Attempt number, from 1
             * @example 1
             */
            n: number;
            /**
             * Format: int64
             * @description When the next attempt is due (null: none)
             * @example null
             */
            nextRetryAt: number | null;
            /**
             * @description Response body, truncated
             * @example {"ok":true}
             */
            response: string;
            /** @description The response's headers, bounded */
            responseHeaders?: components["schemas"]["ResponseHeader"][];
            /**
             * @description The receiver's HTTP status (null: no answer)
             * @example 200
             */
            statusCode: number | null;
            /**
             * Format: int64
             * @description When it was sent (ms)
             * @example 1707244800000
             */
            ts: number;
        };
        /** @description A page of the delivery log, newest first */
        DeliveryPage: {
            /** @description Why pending deliveries may wait past their retry time */
            endpoint: components["schemas"]["EndpointHealth"];
            /** @description The deliveries of this page */
            items: components["schemas"]["Delivery"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 20
             */
            size: number;
            /**
             * @description Deliveries matching the query
             * @example 1
             */
            total: number;
        };
        /** @description A device with its presence and last values (its token is never shown) */
        Device: {
            /**
             * @description The fleet agent reporting for it
             * @example null
             */
            agentId: string | null;
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * Format: int64
             * @description First MQTT connection (null: never)
             * @example 1707244800000
             */
            firstConnectedAt: number | null;
            /**
             * @description Groups it belongs to
             * @example [
             *       "basement"
             *     ]
             */
            groupIds: string[];
            /**
             * @description Device id, globally unique (the MQTT client id)
             * @example pump-1
             */
            id: string;
            /** @description Its last log event (null: none) */
            lastEvent: components["schemas"]["DeviceLogEvent"] | null;
            /**
             * Format: int64
             * @description Last time it was heard from (null: never)
             * @example 1707244800000
             */
            lastSeen: number | null;
            /**
             * @description Free metadata (placeholders can name it)
             * @example {
             *       "site": "north"
             *     }
             */
            metadata: {
                [key: string]: unknown;
            };
            /**
             * @description Display name
             * @example Pump 1
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description When the device last reported its own name, type, template or metadata (MQTT info), in milliseconds
             * @example 1700000000000
             */
            reportedAt?: number;
            /**
             * @description Sequence number of the device's last event
             * @example 12
             */
            seq: number;
            /**
             * @description Presence
             * @example online
             * @enum {string}
             */
            status: "online" | "offline" | "utilizing" | "unplugged";
            /**
             * @description Its template
             * @example TMPL0001
             */
            templateId: string | null;
            /**
             * @description Device type
             * @example PRIVATE
             * @enum {string}
             */
            type: "PRIVATE" | "LOCAL" | "PUBLIC";
            /**
             * Format: int64
             * @description When REST last changed its configuration, in milliseconds
             * @example 1707244800000
             */
            updatedAt: number;
            /**
             * @description Last value per datastream
             * @example {
             *       "temperature": {
             *         "value": 21.5,
             *         "ts": 1707244800000
             *       }
             *     }
             */
            values: {
                [key: string]: components["schemas"]["DatastreamValue"];
            };
        };
        /** @description The device's last log event */
        DeviceLogEvent: {
            /**
             * @description Event code
             * @example overheat
             */
            code: string;
            /**
             * @description What the device said
             * @example Motor above 90 °C
             */
            description: string;
            /**
             * Format: int64
             * @description When it arrived (ms)
             * @example 1707244800000
             */
            ts: number;
        };
        /** @description A page of devices, oldest first */
        DevicePage: {
            /** @description The devices of this page */
            items: components["schemas"]["Device"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 50
             */
            size: number;
            /**
             * @description Devices matching the query
             * @example 1
             */
            total: number;
        };
        /** @description The endpoint's circuit breaker, as this instance sees it */
        EndpointHealth: {
            /**
             * @description The breaker is open: deliveries wait for the next probe
             * @example false
             */
            failing: boolean;
            /**
             * Format: int64
             * @description When the next probe is due (null: not failing)
             * @example null
             */
            nextProbeAt: number | null;
        };
        /** @description An error of our own and Blynk-shaped paths */
        Error: {
            /** @description What went wrong */
            error: components["schemas"]["ErrorDetail"];
        };
        /** @description What went wrong */
        ErrorDetail: {
            /**
             * @description A stable code
             * @example NotFound
             */
            code: string;
            /** @description A 400 about the request: every invalid field at once, with its path */
            fields?: components["schemas"]["FieldError"][];
            /**
             * @description A sentence naming the problem
             * @example Webhook not found
             */
            message: string;
        };
        /** @description One invalid field of a request */
        FieldError: {
            /**
             * @description What is wrong
             * @example condition.value must be a number for gt
             */
            message: string;
            /**
             * @description Where, as a path into the body
             * @example dataTrigger.condition.value
             */
            path: string;
        };
        /** @description Readiness: storage takes a write, Redis answers, MQTT listens */
        Health: {
            /**
             * @description Each part by name
             * @example {
             *       "storage": {
             *         "status": "ok"
             *       },
             *       "mqtt": {
             *         "status": "ok"
             *       }
             *     }
             */
            checks: {
                [key: string]: components["schemas"]["PartHealth"];
            };
            /**
             * @description When unavailable: the failing parts, why
             * @example storage: SQLITE_FULL
             */
            message?: string;
            /** @description The embedded broker */
            mqtt: components["schemas"]["MqttHealth"];
            /**
             * @description ok, or unavailable (with a 503)
             * @example ok
             * @enum {string}
             */
            status: "ok" | "unavailable";
            /**
             * @description The storage driver
             * @example sqlite
             * @enum {string}
             */
            storage: "sqlite" | "mongo";
        };
        /** @description The values of one bucket (min, max and avg over numbers only) */
        HistoryBucket: {
            /**
             * @description Mean of the numbers (null: none)
             * @example 21.25
             */
            avg: number | null;
            /**
             * @description Values in the bucket, numbers or not
             * @example 12
             */
            count: number;
            /**
             * @description Largest number (null: none)
             * @example 22
             */
            max: number | null;
            /**
             * @description Smallest number (null: none)
             * @example 20.5
             */
            min: number | null;
            /**
             * Format: int64
             * @description Bucket start (ms, a multiple of bucketMs)
             * @example 1765065600000
             */
            start: number;
        };
        /** @description One stored value of a datastream */
        HistoryPoint: {
            /**
             * Format: int64
             * @description When it arrived (ms)
             * @example 1765065600000
             */
            ts: number;
            /**
             * @description The value as stored (number, string, boolean or JSON)
             * @example 21.5
             */
            value: number | string | boolean | {
                [key: string]: unknown;
            };
        };
        /** @description The organization's datastream history retention */
        HistoryRetention: {
            /**
             * @description Values kept per datastream: the choice within HISTORY_MAX_POINTS_PER_DATASTREAM
             * @example 10000
             */
            effectiveMaxPointsPerDatastream: number;
            /**
             * @description Days kept: the choice within HISTORY_MAX_AGE_DAYS
             * @example 7
             */
            effectiveRetentionDays: number;
            /**
             * @description Values per datastream chosen (null: the global cap)
             * @example 10000
             */
            maxPointsPerDatastream: number | null;
            /**
             * @description Days chosen (null: the global cap)
             * @example 7
             */
            retentionDays: number | null;
        };
        HistoryRetentionDto: {
            /**
             * @description Keep at most this many values per datastream, the newest (at most HISTORY_MAX_POINTS_PER_DATASTREAM); null: the global cap
             * @example 10000
             */
            maxPointsPerDatastream?: number | null;
            /**
             * @description Keep values this many days (at most HISTORY_MAX_AGE_DAYS); null: the global cap
             * @example 7
             */
            retentionDays?: number | null;
        };
        InboundTargetDto: {
            /**
             * @description Publish to this device (devices/{id}/downlink/{path})
             * @example pump-1
             */
            deviceId?: string;
            /**
             * @description Publish to every device of this group
             * @example basement
             */
            groupId?: string;
            /**
             * @description Device targets: the downlink sub-topic
             * @default webhook
             */
            path?: string;
            /**
             * @description Publish to every device of this template
             * @example TMPL0001
             */
            templateId?: string;
            /**
             * @description Publish to this topic under orgs/{orgId}/
             * @example alerts
             */
            topic?: string;
        };
        /** @description An inbound webhook (Losant's shape): a URL that publishes to devices */
        InboundWebhook: {
            /**
             * @description The organization (Losant: the application)
             * @example 101
             */
            applicationId: string;
            /**
             * @description Present (masked) when basic authentication is set
             * @example ********
             */
            basicAuthPassword?: string;
            /**
             * @description Basic authentication user of callers
             * @example null
             */
            basicAuthUsername: string | null;
            /**
             * Format: date-time
             * @description Creation time
             * @example 2024-02-06T18:40:00.000Z
             */
            creationDate: string;
            /**
             * @description Free text
             * @example
             */
            description: string;
            /**
             * @description Disabled: calls are refused (403)
             * @example true
             */
            enabled: boolean;
            /**
             * @description ID associated with the webhook
             * @example 575ed78e7ae143cd83dc4aab
             */
            id: string;
            /**
             * Format: date-time
             * @description Last change
             * @example 2024-02-06T18:40:00.000Z
             */
            lastUpdated: string;
            /**
             * @description Webhook name
             * @example My Webhook
             */
            name: string;
            /**
             * @description HTTP status answered to callers
             * @example 200
             */
            responseCode: number;
            /**
             * @description Where calls are published (null: they only raise inbound.received)
             * @example {
             *       "deviceId": "pump-1",
             *       "path": "webhook"
             *     }
             */
            target: components["schemas"]["InboundTargetDto"] | null;
            /**
             * @description The URL token (/webhooks/{token}); masked (********) for a token that may not manage webhooks
             * @example Hx9rM2kQ4aT7bW1cZ5dE8fG3
             */
            token: string;
            /**
             * @description Losant's verification code (kept, not used: verificationType none)
             * @example
             */
            verificationCode: string;
            /**
             * @description Verification of callers (none: the only type)
             * @example none
             * @enum {string}
             */
            verificationType: "none";
            /**
             * @description Answer with the device's reply instead of responseCode
             * @example false
             */
            waitForReply: boolean;
        };
        /** @description A page of inbound webhooks (Losant's collection) */
        InboundWebhookList: {
            /**
             * @description The organization (Losant: the application)
             * @example 101
             */
            applicationId: string;
            /**
             * @description Items in this page
             * @example 1
             */
            count: number;
            /**
             * @description The filter given (a glob)
             * @example pump*
             */
            filter?: string;
            /**
             * @description With a filter: the field it applies to
             * @enum {string}
             */
            filterField?: "name";
            /** @description The webhooks of this page */
            items: components["schemas"]["InboundWebhook"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 100
             */
            perPage: number;
            /**
             * @description Sort direction
             * @example asc
             * @enum {string}
             */
            sortDirection: "asc" | "desc";
            /**
             * @description Sorted by
             * @example name
             * @enum {string}
             */
            sortField: "name" | "id" | "creationDate" | "lastUpdated";
            /**
             * @description Webhooks of the organization in all (before the filter)
             * @example 1
             */
            totalCount: number;
        };
        /** @description Liveness */
        Live: {
            /**
             * @description The process answers
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
        /** @description Losant's error body (seed 003) */
        LosantError: {
            /**
             * @description What is wrong
             * @example Webhook was not found
             */
            message: string;
            /**
             * @description Error type: Validation, Unauthorized, NotFound …
             * @example NotFound
             */
            type: string;
        };
        /** @description An inbound webhook at Losant's paths: its id is also webhookId */
        LosantWebhook: {
            /**
             * @description The organization (Losant: the application)
             * @example 101
             */
            applicationId: string;
            /**
             * @description Present (masked) when basic authentication is set
             * @example ********
             */
            basicAuthPassword?: string;
            /**
             * @description Basic authentication user of callers
             * @example null
             */
            basicAuthUsername: string | null;
            /**
             * Format: date-time
             * @description Creation time
             * @example 2024-02-06T18:40:00.000Z
             */
            creationDate: string;
            /**
             * @description Free text
             * @example
             */
            description: string;
            /**
             * @description Disabled: calls are refused (403)
             * @example true
             */
            enabled: boolean;
            /**
             * @description ID associated with the webhook
             * @example 575ed78e7ae143cd83dc4aab
             */
            id: string;
            /**
             * Format: date-time
             * @description Last change
             * @example 2024-02-06T18:40:00.000Z
             */
            lastUpdated: string;
            /**
             * @description Webhook name
             * @example My Webhook
             */
            name: string;
            /**
             * @description HTTP status answered to callers
             * @example 200
             */
            responseCode: number;
            /**
             * @description Where calls are published (null: they only raise inbound.received)
             * @example {
             *       "deviceId": "pump-1",
             *       "path": "webhook"
             *     }
             */
            target: components["schemas"]["InboundTargetDto"] | null;
            /**
             * @description The URL token (/webhooks/{token}); masked (********) for a token that may not manage webhooks
             * @example Hx9rM2kQ4aT7bW1cZ5dE8fG3
             */
            token: string;
            /**
             * @description Losant's verification code (kept, not used: verificationType none)
             * @example
             */
            verificationCode: string;
            /**
             * @description Verification of callers (none: the only type)
             * @example none
             * @enum {string}
             */
            verificationType: "none";
            /**
             * @description Answer with the device's reply instead of responseCode
             * @example false
             */
            waitForReply: boolean;
            /**
             * @description The same as id (Losant)
             * @example 575ed78e7ae143cd83dc4aab
             */
            webhookId: string;
        };
        /** @description A page of webhooks at Losant's paths */
        LosantWebhookList: {
            /**
             * @description The organization (Losant: the application)
             * @example 101
             */
            applicationId: string;
            /**
             * @description Items in this page
             * @example 1
             */
            count: number;
            /**
             * @description The filter given (a glob)
             * @example pump*
             */
            filter?: string;
            /**
             * @description With a filter: the field it applies to
             * @enum {string}
             */
            filterField?: "name";
            /** @description The webhooks of this page */
            items: components["schemas"]["LosantWebhook"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 100
             */
            perPage: number;
            /**
             * @description Sort direction
             * @example asc
             * @enum {string}
             */
            sortDirection: "asc" | "desc";
            /**
             * @description Sorted by
             * @example name
             * @enum {string}
             */
            sortField: "name" | "id" | "creationDate" | "lastUpdated";
            /**
             * @description Webhooks of the organization in all (before the filter)
             * @example 1
             */
            totalCount: number;
        };
        /** @description The embedded broker */
        MqttHealth: {
            /**
             * @description Open MQTT connections on this instance
             * @example 12
             */
            connections: number;
        };
        /** @description A notice to a user: a webhook of theirs was disabled due to errors */
        Notification: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Notification ID
             * @example 1
             */
            id: number;
            /**
             * @description What happened
             * @example webhook.disabled
             */
            kind: string;
            /**
             * @description What happened and what to do
             * @example It failed 10 times in a row …
             */
            message: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
            /**
             * @description One line
             * @example Webhook "Hot pump" disabled
             */
            title: string;
            /**
             * @description User ID
             * @example 7
             */
            userId: number;
            /**
             * @description The webhook concerned
             * @example 1
             */
            webhookId: number | null;
        };
        OAuth2RequestDto: {
            /**
             * @description OAuth2 client id
             * @example gateway
             */
            clientId: string;
            /**
             * @description OAuth2 client secret (answered masked: ********)
             * @example s3cret
             */
            clientSecret: string;
            /**
             * @description OAuth2 scope asked for
             * @example webhooks
             */
            scope?: string;
            /**
             * @description Token endpoint (client credentials grant)
             * @example https://auth.example.com/oauth/token
             */
            tokenUrl: string;
        };
        /** @description An organization (Blynk: orgId) */
        Organization: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Organization ID
             * @example 101
             */
            id: number;
            /**
             * @description Organization name
             * @example Acme
             */
            name: string;
            /**
             * @description The organization it is a sub-organization of (null: top level)
             * @example 1
             */
            parentId: number | null;
        };
        /** @description One part the gateway needs */
        PartHealth: {
            /**
             * @description Why it fails
             * @example SQLITE_FULL: database or disk is full
             */
            error?: string;
            /**
             * @description Whether it does its work
             * @example ok
             * @enum {string}
             */
            status: "ok" | "failing";
        };
        /** @description The callback as the next attempt sends it (credentials masked) */
        RenderedRequest: {
            /**
             * @description Request body
             * @example {"device_id": "pump-1"}
             */
            body: string;
            /**
             * @description Request headers (before signing)
             * @example {
             *       "content-type": "application/json"
             *     }
             */
            headers: {
                [key: string]: string;
            };
            /**
             * @description HTTP method
             * @example POST
             */
            method: string;
            /**
             * @description URL, placeholders filled
             * @example https://example.com/webhook/pump-1
             */
            url: string;
        };
        /** @description What a replay since a time would send */
        ReplayCount: {
            /**
             * @description failed + held
             * @example 3
             */
            count: number;
            /**
             * @description Failed deliveries
             * @example 2
             */
            failed: number;
            /**
             * @description Held deliveries
             * @example 1
             */
            held: number;
            /**
             * Format: int64
             * @description Created since then (ms)
             * @example 1707244800000
             */
            since: number;
        };
        /** @description The failed and held deliveries queued again */
        ReplayedSince: {
            /**
             * @description How many were queued again
             * @example 3
             */
            replayed: number;
            /**
             * Format: int64
             * @description Created since then (ms)
             * @example 1707244800000
             */
            since: number;
        };
        /** @description One delivery queued again */
        ReplayStarted: {
            /**
             * @description Delivery ID
             * @example 1
             */
            id: number;
            /**
             * @description Its webhook-id, unchanged
             * @example msg_2b1f8c0e9a7d4e5f
             */
            messageId: string;
            /**
             * @description Queued for its next attempt
             * @example pending
             * @enum {string}
             */
            status: "pending";
        };
        /** @description One header of the receiver's response */
        ResponseHeader: {
            /**
             * @description Header name (lower case)
             * @example content-type
             */
            name: string;
            /**
             * @description Header value
             * @example application/json
             */
            value: string;
        };
        /** @description The new signing secret (shown this once) */
        SecretRotated: {
            /**
             * @description Webhook ID
             * @example 1
             */
            id: number;
            /**
             * Format: int64
             * @description Until then (ms) callbacks carry a signature with the previous secret too
             * @example 1707244800000
             */
            previousSecretExpiresAt: number | null;
            /**
             * @description The new whsec_… signing secret
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        SignatureDto: {
            /**
             * @description HMAC_SHA256: how the HMAC is written
             * @default hex
             * @enum {string}
             */
            encoding?: "hex" | "base64";
            /**
             * @description HMAC_SHA256: the header carrying the signature
             * @example X-Hub-Signature-256
             */
            header?: string;
            /**
             * @description HMAC_SHA256: put before the signature
             * @example sha256=
             */
            prefix?: string;
            /**
             * @description HMAC_SHA256: the HMAC covers "<timestamp>.<body>" (needs timestampHeader)
             * @example false
             */
            signTimestamp?: boolean;
            /**
             * @description HMAC_SHA256: a header carrying the Unix time (seconds) of the attempt
             * @example X-Timestamp
             */
            timestampHeader?: string;
            /**
             * @description STANDARD_WEBHOOKS: webhook-id, webhook-timestamp, webhook-signature headers; HMAC_SHA256: one header
             * @default STANDARD_WEBHOOKS
             * @enum {string}
             */
            type: "STANDARD_WEBHOOKS" | "HMAC_SHA256";
        };
        /** @description Losant's Success */
        Success: {
            /**
             * @description Always true
             * @example true
             * @enum {boolean}
             */
            success: true;
        };
        /** @description A device template (Blynk's product): devices name it in templateId */
        Template: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Free text
             * @example Pumps of the north site
             */
            description: string;
            /**
             * @description Template ID
             * @example TMPL0001
             */
            id: string;
            /**
             * Format: int64
             * @description Last modification in milliseconds
             * @example 1707244800000
             */
            lastModifiedTs: number;
            /**
             * @description Template name
             * @example Water pump
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
        };
        /** @description A page of templates */
        TemplatePage: {
            /** @description The templates of this page */
            items: components["schemas"]["Template"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 50
             */
            size: number;
            /**
             * @description Templates in all
             * @example 1
             */
            total: number;
        };
        /** @description The synthetic event's one attempt (not in the delivery log) */
        TestResult: {
            /**
             * @description A secret could not be opened with this instance's key
             * @enum {boolean}
             */
            configurationError?: true;
            /**
             * @description The receiver answered 2xx
             * @example true
             */
            delivered: boolean;
            /**
             * @description How long the receiver took (ms)
             * @example 84
             */
            durationMs: number;
            /**
             * @description Why it failed without an answer
             * @example null
             */
            error: string | null;
            /**
             * @description Always empty (kept for the shape)
             * @example {}
             */
            headers: Record<string, never>;
            /**
             * @description Response body, truncated
             * @example {"ok":true}
             */
            response: string;
            /**
             * @description The receiver's HTTP status (null: no answer)
             * @example 200
             */
            statusCode: number | null;
        };
        /** @description A new token for a device or agent (shown this once; the old one stops) */
        TokenIssued: {
            /**
             * @description Device or agent id
             * @example pump-1
             */
            id: string;
            /**
             * @description The new MQTT password
             * @example dev_4f9c2a7b1e8d4c6a9b3e
             */
            token: string;
        };
        UpdateDeviceDto: {
            /**
             * @description The fleet agent reporting for it (null clears it)
             * @example gateway-north
             */
            agentId?: string;
            /**
             * @description Groups it belongs to (at most 50)
             * @example [
             *       "basement"
             *     ]
             */
            groupIds?: string[];
            /**
             * @description Free metadata (placeholders can name it)
             * @example {
             *       "site": "north"
             *     }
             */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * @description Display name, 1 to 100 characters
             * @example Pump 1
             */
            name?: string;
            /**
             * @description Its template (null clears it)
             * @example TMPL0001
             */
            templateId?: string;
            /**
             * @description Device type
             * @default PRIVATE
             * @enum {string}
             */
            type?: "PRIVATE" | "LOCAL" | "PUBLIC";
        };
        UpdateInboundWebhookDto: {
            /** @description Basic authentication password (null clears it) */
            basicAuthPassword?: string | null;
            /** @description Basic authentication user of callers (null clears it) */
            basicAuthUsername?: string | null;
            /**
             * @description Free text
             * @example Pump commands from the ERP
             */
            description?: string;
            /**
             * @description Disabled: calls are refused (403)
             * @default true
             */
            enabled?: boolean;
            /**
             * @description Webhook name, 1 to 255 characters
             * @example My Webhook
             */
            name?: string;
            /**
             * @description HTTP status answered to callers (100 to 599)
             * @default 200
             */
            responseCode?: number;
            /**
             * @description Where calls are published: exactly one of deviceId, templateId, groupId, topic (none: calls only raise inbound.received)
             * @example {
             *       "deviceId": "pump-1"
             *     }
             */
            target?: components["schemas"]["InboundTargetDto"] | null;
            /** @description Losant's verification code (kept, not used) */
            verificationCode?: string;
            /**
             * @description Verification of callers (none: the only type implemented)
             * @enum {string}
             */
            verificationType?: "none";
            /**
             * @description Answer with the device's reply instead of responseCode
             * @default false
             */
            waitForReply?: boolean;
        };
        UpdateTemplateDto: {
            /**
             * @description Free text, at most 1024 characters
             * @example Pumps of the north site
             */
            description?: string;
            /**
             * @description Template name, 1 to 100 characters
             * @example Water pump
             */
            name?: string;
        };
        UpdateUserDto: {
            /**
             * @description E-mail address
             * @example ops@example.com
             */
            email?: string;
            /**
             * @description Display name, 1 to 100 characters
             * @example Ops team
             */
            name?: string;
        };
        UpdateWebhookDto: {
            /**
             * @description Authentication type
             * @default NONE
             * @enum {string}
             */
            authType?: "NONE" | "BASIC" | "BEARER" | "OAUTH2";
            /** @description authType BASIC: the credentials */
            basicAuth?: components["schemas"]["BasicAuthDto"];
            /**
             * @description authType BEARER: the token (answered masked: ********)
             * @example tok_abc123
             */
            bearerToken?: string;
            /**
             * @description Request body template (placeholders such as {device_id}, {value})
             * @example {"device_id": "{device_id}"}
             */
            body?: string;
            /**
             * @description Content type of the webhook request
             * @default JSON
             * @enum {string}
             */
            contentType?: "JSON" | "PLAIN_TEXT" | "URL_ENCODED_FORM";
            /** @description Data trigger configuration (required for datastream and log event triggers) */
            dataTrigger?: components["schemas"]["DataTriggerDto"];
            /**
             * @description Free text, at most 512 characters
             * @example Tells the ops channel when a pump goes offline
             */
            description?: string;
            /**
             * @description Consecutive failed probes of the endpoint (circuit breaker) before it is disabled due to errors
             * @default 10
             */
            failureLimit?: number;
            /**
             * @description User IDs to notify on webhook failure (at most 10)
             * @example [
             *       7
             *     ]
             */
            failureReceivers?: number[];
            /**
             * @description URL_ENCODED_FORM: the form fields (templates)
             * @example {
             *       "device": "{device_id}"
             *     }
             */
            formBody?: {
                [key: string]: string;
            };
            /**
             * @description Extra request headers
             * @example {
             *       "X-Source": "gateway"
             *     }
             */
            headers?: {
                [key: string]: string;
            };
            /**
             * @description HTTP method for webhook
             * @default POST
             * @enum {string}
             */
            method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
            /**
             * @description Webhook name: trimmed, 1 to 50 characters, unique in the organization (Kobiton)
             * @example Device Status Notification
             */
            name?: string;
            /** @description OAuth2 configuration (used when authType is OAUTH2) */
            oAuth2Request?: components["schemas"]["OAuth2RequestDto"];
            /**
             * @description Callbacks per minute at most (Blynk: 10); over it a delivery waits. null: none
             * @example 10
             */
            rateLimitPerMinute?: number | null;
            /** @description How callbacks are signed (default: Standard Webhooks) */
            signature?: components["schemas"]["SignatureDto"];
            /**
             * @description Webhook status. DISABLED_DUE_TO_ERRORS is set by the gateway; ENABLED again sends what was held
             * @default ENABLED
             * @enum {string}
             */
            status?: "ENABLED" | "DISABLED" | "DISABLED_DUE_TO_ERRORS";
            /**
             * @description Webhook trigger type
             * @example DEVICE_ADDED
             * @enum {string}
             */
            trigger?: "NEW_USER" | "DELETED_USER" | "UPDATED_USER" | "DEVICE_ADDED" | "DEVICE_DELETED" | "DEVICE_DATASTREAM_UPDATE" | "PRODUCT_DATASTREAM_UPDATE" | "GLOBAL_PRODUCT_DATASTREAM_UPDATE" | "DEVICE_LOG_EVENT" | "PRODUCT_LOG_EVENT" | "GLOBAL_PRODUCT_LOG_EVENT" | "FIRST_DEVICE_CONNECTION_IN_ORG" | "ORGANIZATION_ADDED" | "DEVICE_STATUS" | "DEVICE_EVENTS" | "INBOUND_WEBHOOK_RECEIVED";
            /**
             * @description Webhook URL. Supports placeholders such as {device_id}, {user_id}.
             * @example https://example.com/webhook/{device_id}
             */
            url?: string;
        };
        /** @description A user of the organization (webhook failure notices go to users) */
        User: {
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description E-mail address (notices are mailed there)
             * @example ops@example.com
             */
            email: string;
            /**
             * @description User ID
             * @example 7
             */
            id: number;
            /**
             * @description Display name
             * @example Ops team
             */
            name: string;
            /**
             * @description Organization ID
             * @example 101
             */
            orgId: number;
        };
        /** @description A page of users */
        UserPage: {
            /** @description The users of this page */
            items: components["schemas"]["User"][];
            /**
             * @description 0-based page
             * @example 0
             */
            page: number;
            /**
             * @description Page size
             * @example 50
             */
            size: number;
            /**
             * @description Users in all
             * @example 1
             */
            total: number;
        };
        /** @description A webhook (Blynk's shape, plus Kobiton's description and signing) */
        Webhook: {
            /**
             * @description Total number of execution attempts
             * @example 42
             */
            attemptCount: number;
            /**
             * @description Authentication type
             * @example NONE
             * @enum {string}
             */
            authType: "NONE" | "BASIC" | "BEARER" | "OAUTH2";
            /**
             * @description authType BASIC: password, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            basicAuth: components["schemas"]["BasicAuthDto"] | null;
            /**
             * @description authType BEARER: the token, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            bearerToken: string | null;
            /**
             * @description Request body template
             * @example {"device_id": "{device_id}"}
             */
            body: string;
            /**
             * @description Content type of the webhook request
             * @example JSON
             * @enum {string}
             */
            contentType: "JSON" | "PLAIN_TEXT" | "URL_ENCODED_FORM";
            /**
             * Format: int64
             * @description Creation timestamp in milliseconds
             * @example 1707244800000
             */
            createdAt: number;
            /**
             * @description Data trigger configuration (for datastream, log event, status and inbound triggers)
             * @example null
             */
            dataTrigger: components["schemas"]["DataTriggerDto"] | null;
            /**
             * @description Free text (Kobiton)
             * @example
             */
            description: string;
            /**
             * @description Consecutive failures counted so far; a success resets it
             * @example 0
             */
            failureCount: number;
            /**
             * @description Consecutive failures that disable the webhook: the one that opened its circuit breaker, then each failed probe (one delivery at a time while the endpoint fails, on the retry schedule)
             * @example 10
             */
            failureLimit: number;
            /**
             * @description User IDs to notify on webhook failure
             * @example [
             *       7
             *     ]
             */
            failureReceivers: number[];
            /**
             * @description URL_ENCODED_FORM: the form fields (templates)
             * @example {}
             */
            formBody: {
                [key: string]: string;
            };
            /**
             * @description Extra request headers
             * @example {}
             */
            headers: {
                [key: string]: string;
            };
            /** @description Bold's secretHttp (X-Webhook-Secret header), masked: ******** (send it back unchanged to keep the stored one) */
            httpSecret?: string;
            /**
             * @description Webhook ID
             * @example 1
             */
            id: number;
            /**
             * Format: int64
             * @description Last modification timestamp in milliseconds
             * @example 1707244800000
             */
            lastModifiedTs: number;
            /**
             * Format: int64
             * @description Last trigger timestamp in milliseconds (null: never)
             * @example 1707244800000
             */
            lastTriggeredTs: number | null;
            /**
             * @description HTTP method for webhook
             * @example POST
             * @enum {string}
             */
            method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
            /**
             * @description Webhook name
             * @example Device Status Notification
             */
            name: string;
            /**
             * @description OAuth2 configuration (authType OAUTH2): clientSecret, masked: ******** (send it back unchanged to keep the stored one)
             * @example null
             */
            oAuth2Request: components["schemas"]["OAuth2RequestDto"] | null;
            /**
             * @description bold: created by Bold's POST /v2/webhooks (callbacks name the Bold topic, carry a plain HMAC)
             * @enum {string}
             */
            origin?: "bold";
            /**
             * Format: int64
             * @description After a secret rotation: until when (ms) callbacks are signed with the previous secret too
             * @example null
             */
            previousSecretExpiresAt: number | null;
            /**
             * @description Callbacks per minute at most; over it a delivery waits. null or absent: no limit
             * @example null
             */
            rateLimitPerMinute?: number | null;
            /**
             * @description How callbacks are signed
             * @example {
             *       "type": "STANDARD_WEBHOOKS"
             *     }
             */
            signature: components["schemas"]["SignatureDto"];
            /**
             * @description DISABLED (by its owner): records nothing. DISABLED_DUE_TO_ERRORS: what matches is held (up to WEBHOOK_HELD_MAX) and sent, oldest first, when set to ENABLED again
             * @example ENABLED
             * @enum {string}
             */
            status: "ENABLED" | "DISABLED" | "DISABLED_DUE_TO_ERRORS";
            /**
             * @description Webhook trigger type
             * @example DEVICE_ADDED
             * @enum {string}
             */
            trigger: "NEW_USER" | "DELETED_USER" | "UPDATED_USER" | "DEVICE_ADDED" | "DEVICE_DELETED" | "DEVICE_DATASTREAM_UPDATE" | "PRODUCT_DATASTREAM_UPDATE" | "GLOBAL_PRODUCT_DATASTREAM_UPDATE" | "DEVICE_LOG_EVENT" | "PRODUCT_LOG_EVENT" | "GLOBAL_PRODUCT_LOG_EVENT" | "FIRST_DEVICE_CONNECTION_IN_ORG" | "ORGANIZATION_ADDED" | "DEVICE_STATUS" | "DEVICE_EVENTS" | "INBOUND_WEBHOOK_RECEIVED";
            /**
             * @description Webhook URL. Supports placeholders such as {device_id}, {user_id}.
             * @example https://example.com/webhook/{device_id}
             */
            url: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
