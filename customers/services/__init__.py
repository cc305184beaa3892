"""Every write to customers: contacts, organizations, products, contracts, SLA policies, calendars.

Updates take `data`, a mapping of only the fields to change (a PATCH). Rule violations raise a
Django `ValidationError` keyed by field; deleting something still in use raises `InUse` (409).
One module per area (`contacts`, `organizations`, `contracts` with products, `sla_policies`,
`calendars`; `common` holds the shared steps); every service is re-exported here, so callers
write `customers.services.contact_create`.
"""

from customers.services.calendars import (
    CALENDAR_FIELDS,
    HolidayRow,
    PeriodRow,
    calendar_create,
    calendar_delete,
    calendar_errors,
    calendar_schedule_errors,
    calendar_update,
    calendar_working_minutes,
    team_calendar_set,
)
from customers.services.common import (
    TARGET_FIELDS,
    DomainSpec,
    HolidaySpec,
    InUse,
    PeriodSpec,
    StepSpec,
    TargetSpec,
    phone_digits,
)
from customers.services.contacts import (
    CONTACT_FIELDS,
    contact_create,
    contact_delete,
    contact_errors,
    contact_get_or_create,
    contact_language_guess,
    contact_update,
)
from customers.services.contracts import (
    CONTRACT_FIELDS,
    PRODUCT_FIELDS,
    contract_create,
    contract_delete,
    contract_errors,
    contract_update,
    product_create,
    product_delete,
    product_errors,
    product_update,
)
from customers.services.organizations import (
    ORGANIZATION_FIELDS,
    domain_claim_error,
    organization_create,
    organization_delete,
    organization_errors,
    organization_update,
)
from customers.services.privacy import (
    ERASED_DOMAIN,
    contact_anonymise,
    erased_contact_email,
    privacy_action_record,
)
from customers.services.sla_policies import (
    SLA_POLICY_FIELDS,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_errors,
    sla_policy_update,
    sla_target_limit_errors,
)

__all__ = [
    "CALENDAR_FIELDS",
    "CONTACT_FIELDS",
    "CONTRACT_FIELDS",
    "DomainSpec",
    "ERASED_DOMAIN",
    "HolidayRow",
    "HolidaySpec",
    "InUse",
    "ORGANIZATION_FIELDS",
    "PRODUCT_FIELDS",
    "PeriodRow",
    "PeriodSpec",
    "SLA_POLICY_FIELDS",
    "StepSpec",
    "TARGET_FIELDS",
    "TargetSpec",
    "calendar_create",
    "calendar_delete",
    "calendar_errors",
    "calendar_schedule_errors",
    "calendar_update",
    "calendar_working_minutes",
    "team_calendar_set",
    "contact_anonymise",
    "contact_create",
    "contact_delete",
    "contact_errors",
    "contact_get_or_create",
    "contact_language_guess",
    "contact_update",
    "contract_create",
    "contract_delete",
    "contract_errors",
    "contract_update",
    "domain_claim_error",
    "erased_contact_email",
    "organization_create",
    "organization_delete",
    "organization_errors",
    "organization_update",
    "phone_digits",
    "privacy_action_record",
    "product_create",
    "product_delete",
    "product_errors",
    "product_update",
    "sla_policy_create",
    "sla_policy_delete",
    "sla_policy_errors",
    "sla_policy_update",
    "sla_target_limit_errors",
]
