"""SLA policies with their targets per priority and escalation steps."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from customers import rules
from customers.models import (
    BusinessCalendar,
    EscalationStep,
    SlaPolicy,
    SlaTarget,
)
from customers.services.calendars import calendar_working_minutes
from customers.services.common import TARGET_FIELDS, StepSpec, TargetSpec, _apply, _delete, _raise_if, _required_text
from customers.signals import sla_terms_changed
from helpdesk import dates
from helpdesk.audit.services import history_record_rows
from helpdesk.models import Priority

SLA_POLICY_FIELDS = (
    "name",
    "name_fa",
    "description",
    "calendar",
    "is_default",
    "warning_percent",
    "warning_minutes_before",
    "pause_on_hold",
    "is_active",
)


def _target_errors(targets: Sequence[TargetSpec]) -> list[str]:
    errors = []
    seen = set()
    for spec in targets:
        priority = spec["priority"]
        label = Priority(priority).label if priority in Priority.values else priority
        if priority not in Priority.values:
            errors.append(_("Unknown priority “%(priority)s”.") % {"priority": priority})
        elif priority in seen:
            errors.append(_("%(priority)s: listed twice.") % {"priority": label})
        seen.add(priority)
        for message in rules.target_errors({f: spec.get(f) for f in TARGET_FIELDS}).values():
            errors.append(_("%(priority)s: %(message)s") % {"priority": label, "message": message})
            break
    return errors


def _step_errors(steps: Sequence[StepSpec]) -> list[str]:
    errors = []
    for number, spec in enumerate(steps, start=1):
        if spec["action"] not in EscalationStep.Action.values:
            errors.append(dates.fill(_("Step %(number)s: unknown action."), {"number": number}))
            continue
        if (spec.get("minutes_after_breach") or 0) < 0:
            errors.append(
                dates.fill(_("Step %(number)s: minutes after breach cannot be negative."), {"number": number})
            )
        for message in rules.step_errors(action=spec["action"], team=spec.get("team"), user=spec.get("user")).values():
            errors.append(dates.fill(_("Step %(number)s: %(message)s"), {"number": number, "message": message}))
    return errors


def _target_minutes(spec: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [(field, spec[field]) for field in TARGET_FIELDS if spec.get(field) is not None]


def sla_target_limit_errors(*, calendar: BusinessCalendar, targets: Sequence[TargetSpec]) -> list[str]:
    """Targets the calendar cannot reach: more minutes than its working time in two years (so the SLA
    maths could not compute a due time). The admin's target formset shows the same lines."""
    wanted = [(spec["priority"], minutes) for spec in targets for _field, minutes in _target_minutes(spec)]
    if not wanted:
        return []
    limit = calendar_working_minutes(calendar=calendar)
    errors = []
    for priority, minutes in wanted:
        if minutes > limit:
            label = Priority(priority).label if priority in Priority.values else priority
            errors.append(
                dates.fill(
                    _(
                        "%(priority)s: %(minutes)s minutes is more working time than calendar “%(calendar)s” has "
                        "in two years (%(limit)s minutes), so no due time could be computed."
                    ),
                    {"priority": label, "minutes": minutes, "calendar": calendar.name, "limit": limit},
                )
            )
    return errors


def sla_policy_errors(policy: SlaPolicy) -> dict[str, str]:
    """What is wrong with a policy's own fields; only one policy is the default (say which one is)."""
    errors = _required_text(policy.name, "name")
    if not errors and SlaPolicy.objects.filter(name__iexact=policy.name.strip()).exclude(pk=policy.pk).exists():
        errors["name"] = _("A policy with this name already exists.")
    errors |= rules.warning_errors(warning_percent=policy.warning_percent)
    if policy.is_default:
        current = SlaPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).first()
        if current is not None:
            errors["is_default"] = _("%(name)s is already the default policy; clear its default flag first.") % {
                "name": current.name
            }
    return errors


def sla_raise_errors(
    *, policy: SlaPolicy, targets: Sequence[Mapping[str, Any]] | None, steps: Sequence[Mapping[str, Any]] | None
) -> list[str]:
    """A step that raises the priority needs, at each priority above one with targets, the same targets
    (rules.raise_errors); `targets` / `steps` None: the policy's stored ones. The admin's inlines and
    every service save ask this, so no escalation can erase a ticket's SLA."""
    stored = policy.pk is not None
    if targets is None:
        targets = list(policy.targets.values("priority", *TARGET_FIELDS)) if stored else []
    actions = [s["action"] for s in steps] if steps is not None else []
    if steps is None and stored:
        actions = list(policy.escalation_steps.values_list("action", flat=True))
    return rules.raise_errors(targets={t["priority"]: dict(t) for t in targets}, steps=actions)


def _sla_policy_save(
    policy: SlaPolicy, targets: Sequence[TargetSpec] | None, steps: Sequence[StepSpec] | None
) -> SlaPolicy:
    policy.name, policy.name_fa = policy.name.strip(), policy.name_fa.strip()
    errors: dict[str, Any] = sla_policy_errors(policy)
    if targets is not None and (target_errors := _target_errors(targets)):
        errors["targets"] = target_errors
    if steps is not None and (step_errors := _step_errors(steps)):
        errors["escalation_steps"] = step_errors
    if not errors.keys() & {"targets", "escalation_steps"} and (
        raise_errors := sla_raise_errors(policy=policy, targets=targets, steps=steps)
    ):
        errors["escalation_steps"] = raise_errors
    if "targets" not in errors and "calendar" not in errors and policy.calendar_id is not None:
        current = targets if targets is not None else list(policy.targets.values("priority", *TARGET_FIELDS))
        if limit_errors := sla_target_limit_errors(calendar=policy.calendar, targets=current):
            errors["targets" if targets is not None else "calendar"] = limit_errors
    _raise_if(errors)
    existed = policy.pk is not None
    with transaction.atomic():
        policy.save()
        if existed:  # the open tickets under it get new due times
            sla_terms_changed.send(sender=SlaPolicy, policy_ids=[policy.pk])
        if targets is not None:
            policy.targets.all().delete()
            made = SlaTarget.objects.bulk_create(
                SlaTarget(policy=policy, priority=spec["priority"], **{f: spec.get(f) for f in TARGET_FIELDS})
                for spec in targets
            )
            history_record_rows(model=SlaTarget, pks=[t.pk for t in made], created=True)
        if steps is not None:
            policy.escalation_steps.all().delete()
            steps_made = EscalationStep.objects.bulk_create(
                EscalationStep(
                    policy=policy,
                    action=spec["action"],
                    minutes_after_breach=spec.get("minutes_after_breach") or 0,
                    team=spec.get("team"),
                    user=spec.get("user"),
                )
                for spec in steps
            )
            history_record_rows(model=EscalationStep, pks=[s.pk for s in steps_made], created=True)
    return policy


def sla_policy_create(
    *,
    name: str,
    calendar: BusinessCalendar,
    name_fa: str = "",
    description: str = "",
    is_default: bool = False,
    warning_percent: int | None = 75,
    warning_minutes_before: int | None = None,
    pause_on_hold: bool = False,
    is_active: bool = True,
    targets: Sequence[TargetSpec] = (),
    escalation_steps: Sequence[StepSpec] = (),
) -> SlaPolicy:
    """Create a policy with one target row per priority (targets > 0 minutes) and escalation steps."""
    policy = SlaPolicy(
        name=name,
        name_fa=name_fa,
        calendar=calendar,
        description=description,
        is_default=is_default,
        warning_percent=warning_percent,
        warning_minutes_before=warning_minutes_before,
        pause_on_hold=pause_on_hold,
        is_active=is_active,
    )
    return _sla_policy_save(policy, targets, escalation_steps)


def sla_policy_update(*, policy: SlaPolicy, data: Mapping[str, Any]) -> SlaPolicy:
    """Change the given fields; `targets` / `escalation_steps`, when given, replace the current ones.

    Tickets keep the due times already computed; new clocks use the new targets.
    """
    data = dict(data)
    targets = data.pop("targets", None)
    steps = data.pop("escalation_steps", None)
    _apply(policy, data, SLA_POLICY_FIELDS)
    return _sla_policy_save(policy, targets, steps)


def sla_policy_delete(*, policy: SlaPolicy) -> None:
    """Delete a policy no contract, organization or ticket uses; otherwise InUse."""
    _delete(policy, owned={"targets", "escalation_steps"})
