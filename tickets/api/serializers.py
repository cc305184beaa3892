"""Input and output serializers of the tickets API, kept apart (STYLE 10).

Customers get their own, smaller outputs: no SLA internals, tags, contract, assignee identity,
internal notes or internal events. Agent-only inputs exist only on the agent input serializers.
"""

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers import selectors as customer_selectors
from customers.models import Contact, Product
from helpdesk.models import Priority, Role, Team, User
from tickets import output
from tickets.content import MAX_BODY_CHARS
from tickets.models import Attachment, Channel, Message, Status, Ticket, TicketEvent, TicketType
from tickets.models.problems import Category, RootCause
from tickets.statuses.fields import CustomStatusCustomerRef, CustomStatusRef, custom_status_input
from tickets.timetrack.api_fields import TimeSpentInput

MAX_TAGS = 50
MAX_ATTACHMENTS = 20


def _absolute(context: Mapping[str, Any], name: str, *args) -> str:
    path = reverse(name, args=args)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- small nested references ----------------------------------------------------------------


class ContactRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True, allow_null=True)  # null: known by phone only

    def get_name(self, contact: Contact) -> str:
        return contact.full_name or contact.email or str(contact)


class UserRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_name(self, user: User) -> str:
        return user.full_name or user.email


class NamedRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)


class TagNames(serializers.ListField):
    """A ticket's tag names (a list row carries them; a Ticket has its tags prefetched)."""

    def get_attribute(self, instance):
        return output.tag_names(instance)


# --- tickets ----------------------------------------------------------------------------------
#
# One definition of each field: `Meta.fields` are tickets.output's CUSTOMER_FIELDS / AGENT_FIELDS,
# the fields declared here (or by ModelSerializer from the model) are their types for the schema,
# and to_representation returns the dict tickets.output writes from the same names, by hand for
# speed: DRF's own rendering of these fields made the 50-ticket list call 38-55 % slower (figures in
# tickets/output.py; bench/api.py measures both). tests/tickets/test_api_output.py checks that the
# schema, DRF's rendering of the declared fields and the dicts agree, for agents and customers.


class TicketCustomerOutput(serializers.ModelSerializer):
    """What a customer (and the portal) sees of a ticket."""

    requester = ContactRef(read_only=True)
    organization = NamedRef(read_only=True, allow_null=True)
    team = NamedRef(read_only=True, allow_null=True, help_text="The team the request is with.")
    product = NamedRef(read_only=True, allow_null=True)
    # `{id, label}`: the customer label only (the agent output has the agent label)
    custom_status = CustomStatusCustomerRef(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = output.CUSTOMER_FIELDS
        read_only_fields = fields

    def get_url(self, ticket: Ticket) -> str:
        return output.ticket_url(ticket.pk, self._page())

    def _page(self) -> output.Page:
        """The detail URL up to the id and the active time zone, looked up once per page, not per row."""
        root = self.parent if self.parent is not None else self
        page: output.Page | None = getattr(root, "_ticket_page", None)
        if page is None:
            prefix = _absolute(self.context, "api-ticket-detail", 0)[: -len("0/")]
            page = root._ticket_page = output.Page(prefix, timezone.get_current_timezone())  # type: ignore[attr-defined]
        return page

    def to_representation(self, ticket: Ticket) -> dict:
        return output.ticket_customer_data(ticket, page=self._page())


class TicketOutput(TicketCustomerOutput):
    """An agent's view of a ticket. `requester` and `assignee` are `{id, name, email}`."""

    assignee = UserRef(read_only=True, allow_null=True)
    tags = TagNames(child=serializers.CharField(), read_only=True)
    # Bare ids, read from the `<relation>_id` column (a list row has no related object to follow).
    contract = serializers.IntegerField(source="contract_id", read_only=True, allow_null=True)
    sla_policy = serializers.IntegerField(source="sla_policy_id", read_only=True, allow_null=True)
    merged_into = serializers.IntegerField(source="merged_into_id", read_only=True, allow_null=True)
    # `/api/v1/categories/`, `/api/v1/root-causes/`, `/api/v1/problems/` (the problem this incident belongs to)
    category = serializers.IntegerField(source="category_id", read_only=True, allow_null=True)
    root_cause = serializers.IntegerField(source="root_cause_id", read_only=True, allow_null=True)
    problem = serializers.IntegerField(source="problem_id", read_only=True, allow_null=True)
    custom_status = CustomStatusRef(read_only=True, allow_null=True)  # `/api/v1/custom-statuses/`

    class Meta(TicketCustomerOutput.Meta):
        fields = output.AGENT_FIELDS
        read_only_fields = fields

    def to_representation(self, ticket: Ticket) -> dict:
        return output.ticket_agent_data(ticket, page=self._page())


def _agents():
    return User.objects.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True)


def _attachments():
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_ATTACHMENTS,
        help_text="Files to attach: repeat the field for each file.",
    )


class _FilesOnlyAsAttachments:
    """A file sent under any other field name is refused: it would be dropped, the call answering 201."""

    def to_internal_value(self, data):
        if hasattr(data, "lists"):
            unknown = sorted(
                name
                for name, values in data.lists()
                if name != "attachments" and any(isinstance(value, UploadedFile) for value in values)
            )
            if unknown:
                says = _("Send files as `attachments` (the field repeated for each file); this field takes none.")
                raise serializers.ValidationError({name: [says] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


# A JSON body cannot carry files: each input that takes attachments has a JSON serializer without them
# and a `...MultipartInput` with them, so the schema offers two distinct bodies (one per media type) and
# generated clients tell them apart. The views validate with the multipart one, whose extra field a
# JSON body simply leaves empty.


class TicketCreateInput(serializers.Serializer):
    """What anyone may send to open a ticket."""

    subject = serializers.CharField(max_length=255)
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_BODY_CHARS)
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        required=False,
        help_text="Customers choose up to `high`; `urgent` is for agents. Left out: `normal`, unless a routing"
        " rule sets another.",
    )
    type = serializers.ChoiceField(choices=TicketType.choices, default=TicketType.QUESTION)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.none(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is not None:
            self.fields["product"].queryset = customer_selectors.product_list_for(user=user).filter(is_active=True)


class TicketAgentCreateInput(TicketCreateInput):
    """Agents also choose the requester (an existing contact, or an email or a phone number to find or create one)."""

    requester = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False)
    requester_email = serializers.EmailField(
        required=False, max_length=254, help_text="The contact with this address (any letter case), else a new one."
    )
    requester_phone = serializers.CharField(
        required=False,
        max_length=40,
        help_text=(
            "A caller known by phone (e.g. from a phone system): without `requester_email`, the contact with this"
            " number however it is written (spaces, dashes, Persian digits, `+98 912…` or `0912…`), and named"
            " `requester_name` when that is given (people sharing a number stay apart), else a new contact without"
            " an email address. With `requester_email` the address finds the contact and the number is only stored"
            " on a new one. At least 5 digits (leading zeros aside), else a 400 on this field. A number several"
            " contacts share (of that name, when one is given) is a 400 on this field naming their ids: send"
            " `requester` (the contact id) instead."
        ),
    )
    requester_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="A new contact's name; with `requester_phone` alone it also picks the contact among those of that number.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.filter(is_active=True), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(queryset=_agents(), required=False, allow_null=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list, max_length=MAX_TAGS
    )

    def validate(self, data: dict) -> dict:
        details = [name for name in ("requester_email", "requester_phone") if name in data]
        if "requester" not in data and not details:
            raise serializers.ValidationError(
                {"requester": [_("Give `requester` (a contact id), `requester_email` or `requester_phone`.")]}
            )
        if "requester" in data and details:
            raise serializers.ValidationError(
                {name: [_("Give `requester` or the requester's details, not both.")] for name in details}
            )
        return data


class TicketCreateMultipartInput(_FilesOnlyAsAttachments, TicketCreateInput):
    attachments = _attachments()


class TicketAgentCreateMultipartInput(_FilesOnlyAsAttachments, TicketAgentCreateInput):
    attachments = _attachments()


class TicketCustomerUpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text=(
            "`solved`, or `open` to reopen; any other move is refused (409). Reopening is possible for"
            " `HELPDESK_REOPEN_DAYS` after the ticket was solved, then refused with 409 `reopen_window_passed`"
            " (reply instead: the reply opens a linked follow-up)."
        ),
    )


class TicketAgentUpdateInput(serializers.Serializer):
    subject = serializers.CharField(max_length=255, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.filter(is_active=True), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(queryset=_agents(), required=False, allow_null=True)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=MAX_TAGS)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    # With HELPDESK_REQUIRE_ROOT_CAUSE an agent solving without one (given or already set) is a 400 on it.
    root_cause = serializers.PrimaryKeyRelatedField(queryset=RootCause.objects.all(), required=False, allow_null=True)
    custom_status = custom_status_input()


# --- messages ---------------------------------------------------------------------------------


class AttachmentOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField(help_text="Download (permission-checked).")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        return _absolute(self.context, "api-attachment-download", attachment.pk)


class _AuthorType(serializers.ChoiceField):
    def get_attribute(self, message: Message) -> str:
        return "customer" if message.author_contact_id is not None else "agent"


class _AuthorName(serializers.CharField):
    def get_attribute(self, message: Message) -> str:
        person = message.author_contact or message.author_user
        return (person.full_name or person.email or str(person)) if person is not None else ""


# Who wrote a message, read from the message itself (MessageOutput's `author` has `source="*"`).
class AuthorOutput(serializers.Serializer):
    type = _AuthorType(choices=[("agent", "agent"), ("customer", "customer")], read_only=True)
    name = _AuthorName(read_only=True)


class MessageOutput(serializers.ModelSerializer):
    body = serializers.CharField(source="body_text", read_only=True, help_text="Plain text.")
    body_html = serializers.CharField(read_only=True, help_text="Sanitized HTML.")
    author = AuthorOutput(source="*", read_only=True)
    attachments = AttachmentOutput(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "body", "body_html", "internal", "author", "channel", "created_at", "attachments"]
        read_only_fields = fields


class MessageCreatedOutput(MessageOutput):
    ticket = serializers.IntegerField(
        source="ticket_id", read_only=True, help_text="The ticket now holding the message."
    )
    follow_up_ticket = serializers.SerializerMethodField(
        help_text=(
            "Set when a customer's reply opened a follow-up (the ticket was closed, or solved longer ago than"
            " the reopen window): the new ticket's id."
        )
    )

    class Meta(MessageOutput.Meta):
        fields = [*MessageOutput.Meta.fields, "ticket", "follow_up_ticket"]
        read_only_fields = fields

    def get_follow_up_ticket(self, message: Message) -> int | None:
        return self.context.get("follow_up_ticket")


class MessageCreateInput(TimeSpentInput):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_BODY_CHARS)
    internal = serializers.BooleanField(required=False, default=False, help_text="An internal note (agents only).")
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Agents: the status to set with the reply."
    )


class MessageCreateMultipartInput(_FilesOnlyAsAttachments, MessageCreateInput):
    attachments = _attachments()


# --- events -----------------------------------------------------------------------------------


class EventCustomerOutput(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "field", "old_value", "new_value", "actor_name", "created_at"]
        read_only_fields = fields

    def get_actor_name(self, event: TicketEvent) -> str:
        return (event.actor.full_name or event.actor.email) if event.actor is not None else ""


class EventOutput(EventCustomerOutput):
    # Not required in the schema: the same endpoint answers a customer without them (EventCustomerOutput).
    actor = UserRef(required=False, allow_null=True, help_text="Agents only: absent for customers.")
    public = serializers.BooleanField(
        required=False, help_text="Agents only (a customer sees only public events): absent for customers."
    )
    data = serializers.JSONField(required=False, help_text="Agents only: the change's details; absent for customers.")

    class Meta(EventCustomerOutput.Meta):
        fields = [*EventCustomerOutput.Meta.fields, "actor", "public", "data"]
        read_only_fields = fields
