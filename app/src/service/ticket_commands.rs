//! What the ticket service is asked to do, in domain values. Each surface
//! parses its own input (a form, later JSON) into these at its edge; the
//! parsers for the pages' inputs live here so every surface words a bad
//! value the same way.

use super::error::{FieldErrors, ServiceError};
use crate::api::types::{
    NewTicketInput, ReplyInput, StatusInput, TicketFieldsInput, WatchInput, NONE,
};
use crate::domain::{
    CategoryId, DisplayName, EmailAddress, GroupId, MessageBody, Priority, Status, Subject, Tag,
    TicketId, UserId,
};

/// A new ticket. `urgency` is `None` when the requester left it to the
/// category; the service holds it to [`Priority::as_urgency`] again, so no
/// surface can skip the rule.
#[derive(Debug, Clone)]
pub struct RaiseTicket {
    pub subject: Subject,
    pub description: MessageBody,
    pub urgency: Option<Priority>,
    pub category: Option<CategoryId>,
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Who raises a ticket without an account: where the link goes, and the
/// name to greet them by (`None`: made from the address).
#[derive(Debug, Clone)]
pub struct Guest {
    pub email: EmailAddress,
    pub name: Option<DisplayName>,
}

/// A key our own forms generate so a double submit files one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Keys come from our own forms; anything else is ignored, not refused.
    pub fn parse(text: &str) -> Option<Self> {
        let ours = !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        ours.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub ticket: TicketId,
    pub body: MessageBody,
    /// An internal note: staff only, never shown to the requester.
    pub internal: bool,
}

#[derive(Debug, Clone)]
pub struct ChangeStatus {
    pub ticket: TicketId,
    pub to: Status,
    /// The version the person was looking at; a newer one is a conflict.
    pub version: i64,
}

/// What an edit does to an optional field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldChange<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T: Copy + PartialEq> FieldChange<T> {
    /// The new value, if it differs from `current`.
    pub fn against(self, current: Option<T>) -> Option<Option<T>> {
        let wanted = match self {
            Self::Keep => return None,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        };
        (wanted != current).then_some(wanted)
    }
}

/// An agent's edit of a ticket's fields, as the whole form states them.
#[derive(Debug, Clone)]
pub struct UpdateTicket {
    pub ticket: TicketId,
    pub version: i64,
    pub priority: Priority,
    /// `None` releases the ticket.
    pub assignee: Option<UserId>,
    pub tags: Vec<Tag>,
    pub group: FieldChange<GroupId>,
    pub category: FieldChange<CategoryId>,
}

#[derive(Debug, Clone, Copy)]
pub struct Watch {
    pub ticket: TicketId,
    pub watching: bool,
}

/// A form value that was actually filled in.
pub(super) fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

impl RaiseTicket {
    /// Parses the raise form, collecting every problem; a guest's own
    /// fields (address, name) are checked into the same `errors`. Whether
    /// the urgency may be critical depends on who asks (`by_staff`).
    pub fn parse(input: &NewTicketInput, by_staff: bool, errors: &mut FieldErrors) -> Option<Self> {
        let subject = errors.check("subject", Subject::parse(&input.subject));
        let description = errors.check("description", MessageBody::parse(&input.description));
        let urgency = match present(Some(&input.urgency)) {
            None => Some(None),
            Some(text) => errors
                .check(
                    "urgency",
                    Priority::parse(text).and_then(|p| p.as_urgency(by_staff)),
                )
                .map(Some),
        };
        let category = match present(input.category.as_deref()) {
            None => Some(None),
            Some(text) => errors
                .check(
                    "category",
                    CategoryId::parse(text).ok_or("Choose one of the listed categories."),
                )
                .map(Some),
        };
        Some(Self {
            subject: subject?,
            description: description?,
            urgency: urgency?,
            category: category?,
            idempotency_key: input
                .idempotency_key
                .as_deref()
                .and_then(IdempotencyKey::parse),
        })
    }

    /// The whole form of a signed-in requester.
    pub fn from_input(input: &NewTicketInput, by_staff: bool) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let parsed = Self::parse(input, by_staff, &mut errors);
        errors.finish(parsed)
    }
}

impl Guest {
    /// The whole form of someone without an account.
    pub fn from_input(input: &NewTicketInput) -> Result<(Self, RaiseTicket), ServiceError> {
        let mut errors = FieldErrors::default();
        let email = errors.check(
            "email",
            EmailAddress::parse(input.email.as_deref().unwrap_or_default()),
        );
        let name = match present(input.name.as_deref()) {
            None => Some(None),
            Some(text) => errors.check("name", DisplayName::parse(text)).map(Some),
        };
        let ticket = RaiseTicket::parse(input, false, &mut errors);
        let parsed = match (email, name, ticket) {
            (Some(email), Some(name), Some(ticket)) => Some((Self { email, name }, ticket)),
            _ => None,
        };
        errors.finish(parsed)
    }
}

impl Reply {
    pub fn from_input(input: &ReplyInput) -> Result<Self, ServiceError> {
        Ok(Self {
            ticket: TicketId(input.ticket_id),
            body: MessageBody::parse(&input.body).map_err(|m| ServiceError::field("body", m))?,
            internal: input.internal.is_some(),
        })
    }
}

impl ChangeStatus {
    pub fn from_input(input: &StatusInput) -> Result<Self, ServiceError> {
        Ok(Self {
            ticket: TicketId(input.ticket_id),
            to: Status::parse(&input.status).map_err(|m| ServiceError::field("status", m))?,
            version: input.version,
        })
    }
}

impl UpdateTicket {
    pub fn from_input(input: &TicketFieldsInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let priority = errors.check("priority", Priority::parse(&input.priority));
        let tags = errors.check("tags", parse_tags(&input.tags));
        let assignee = match present(Some(&input.assignee_id)) {
            None => Some(None),
            Some(text) => errors
                .check(
                    "assignee_id",
                    UserId::parse(text).ok_or("Choose an active agent."),
                )
                .map(Some),
        };
        let group = errors.check(
            "group_id",
            change(
                input.group_id.as_deref(),
                GroupId::parse,
                "Choose an active group.",
            ),
        );
        let category = errors.check(
            "category_id",
            change(
                input.category_id.as_deref(),
                CategoryId::parse,
                "Choose an active category.",
            ),
        );
        let parsed = match (priority, tags, assignee, group, category) {
            (Some(priority), Some(tags), Some(assignee), Some(group), Some(category)) => {
                Some(Self {
                    ticket: TicketId(input.ticket_id),
                    version: input.version,
                    priority,
                    assignee,
                    tags,
                    group,
                    category,
                })
            }
            _ => None,
        };
        errors.finish(parsed)
    }
}

/// A select that may be absent (keep), [`NONE`] (clear) or an id.
fn change<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    refusal: &'static str,
) -> Result<FieldChange<T>, &'static str> {
    match value.map(str::trim) {
        None | Some("") => Ok(FieldChange::Keep),
        Some(NONE) => Ok(FieldChange::Clear),
        Some(text) => parse(text).map(FieldChange::Set).ok_or(refusal),
    }
}

impl Watch {
    pub fn from_input(input: &WatchInput) -> Result<Self, ServiceError> {
        let watching = match input.watching.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(ServiceError::Malformed("Say true or false.".into())),
        };
        Ok(Self {
            ticket: TicketId(input.ticket_id),
            watching,
        })
    }
}

/// Tags as typed: separated by commas or spaces, at most 20.
pub fn parse_tags(text: &str) -> Result<Vec<Tag>, &'static str> {
    let tags: Vec<Tag> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(Tag::parse)
        .collect::<Result<_, _>>()?;
    if tags.len() > 20 {
        return Err("Use at most 20 tags.");
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_on_commas_and_spaces() {
        let tags: Vec<String> = parse_tags("vpn, Urgent  billing,")
            .unwrap()
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        assert_eq!(tags, ["vpn", "urgent", "billing"]);
        assert!(parse_tags("ok, n/a").is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(parse_tags(&many.join(",")).is_err());
    }

    #[test]
    fn only_our_own_idempotency_keys_are_kept() {
        assert_eq!(
            IdempotencyKey::parse("3f2a-91bc").map(|k| k.as_str().to_owned()),
            Some("3f2a-91bc".to_owned())
        );
        assert_eq!(IdempotencyKey::parse("x'; drop"), None);
        assert_eq!(IdempotencyKey::parse(&"a".repeat(65)), None);
    }

    #[test]
    fn a_field_edit_keeps_clears_or_sets_and_ignores_no_ops() {
        let form = |group: Option<&str>| TicketFieldsInput {
            ticket_id: 4,
            version: 2,
            priority: "high".into(),
            assignee_id: String::new(),
            tags: "vpn".into(),
            group_id: group.map(str::to_owned),
            category_id: None,
        };
        let parsed = |group| UpdateTicket::from_input(&form(group)).unwrap().group;
        assert_eq!(parsed(None), FieldChange::Keep);
        assert_eq!(parsed(Some("")), FieldChange::Keep);
        assert_eq!(parsed(Some("none")), FieldChange::Clear);
        assert_eq!(parsed(Some("3")), FieldChange::Set(GroupId(3)));
        let err = UpdateTicket::from_input(&form(Some("sales"))).unwrap_err();
        assert_eq!(
            err,
            ServiceError::field("group_id", "Choose an active group.")
        );
        assert_eq!(FieldChange::Set(3).against(Some(3)), None);
        assert_eq!(FieldChange::Clear.against(Some(3)), Some(None));
        assert_eq!(FieldChange::<i64>::Keep.against(Some(3)), None);
    }

    #[test]
    fn the_raise_form_reports_every_problem_at_once() {
        let input = NewTicketInput {
            subject: " ".into(),
            description: String::new(),
            urgency: "soon".into(),
            idempotency_key: None,
            email: Some("not an address".into()),
            name: None,
            category: Some("x".into()),
        };
        let Err(ServiceError::Invalid { fields, .. }) = Guest::from_input(&input) else {
            panic!("expected field errors");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            named,
            ["email", "subject", "description", "urgency", "category"]
        );
    }
}
