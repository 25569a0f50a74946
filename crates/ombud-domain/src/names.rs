//! The text names of the domain's enums, written once per enum.

/// Gives a fieldless enum its text names, as stored and sent over the wire:
/// `ALL` (every value, in order), `as_str`, `parse` (None for an unknown
/// name), `Display` and `FromStr` (`DomainError::UnknownValue` naming
/// `$what`), and its OpenAPI schema listing every name. Both `match`es are exhaustive, so a new variant does not compile
/// until it has a name. The enum keeps its own docs and derives where it is
/// declared; its serde names must be the same (`rename_all = "snake_case"`),
/// which the domain's tests check.
macro_rules! names {
    ($ty:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: [$ty; [$($text),+].len()] = [$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// A string with every name listed, so an API client knows them all.
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $ty {}

        impl std::str::FromStr for $ty {
            type Err = $crate::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or_else(|| $crate::DomainError::UnknownValue { what: $what, value: s.to_owned() })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::*;

    /// The name a value has on the wire (serde) and at rest (`as_str`) is one name.
    fn same_names<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
    {
        for v in all {
            let wire = serde_json::to_value(v).expect("serialise");
            assert_eq!(wire, serde_json::Value::String(as_str(*v).to_owned()), "{v:?}");
            assert_eq!(parse(as_str(*v)), Some(*v));
        }
        assert_eq!(parse("no such name"), None);
    }

    #[test]
    fn every_name_round_trips_and_matches_serde() {
        same_names(&Category::ALL, Category::as_str, Category::parse);
        same_names(&EscalationCause::ALL, EscalationCause::as_str, EscalationCause::parse);
        same_names(&AnswerOutcome::ALL, AnswerOutcome::as_str, AnswerOutcome::parse);
        same_names(&MatchHow::ALL, MatchHow::as_str, MatchHow::parse);
        same_names(&CaseStatus::ALL, CaseStatus::as_str, CaseStatus::parse);
        same_names(&EventKind::ALL, EventKind::as_str, EventKind::parse);
        same_names(&DeadlineKind::ALL, DeadlineKind::as_str, DeadlineKind::parse);
        same_names(&LocationKind::ALL, LocationKind::as_str, LocationKind::parse);
        same_names(&crate::CaseRouting::ALL, crate::CaseRouting::as_str, crate::CaseRouting::parse);
        same_names(&PersonRole::ALL, PersonRole::as_str, PersonRole::parse);
        same_names(&RequestKind::ALL, RequestKind::as_str, RequestKind::parse);
        same_names(&Role::ALL, Role::as_str, Role::parse);
        same_names(&ExclusionReason::ALL, ExclusionReason::as_str, ExclusionReason::parse);
        assert_eq!(CaseStatus::ALL.len(), 9);
        same_names(&crate::CaseOutcome::ALL, crate::CaseOutcome::as_str, crate::CaseOutcome::parse);
        same_names(&crate::Sanction::ALL, crate::Sanction::as_str, crate::Sanction::parse);
        assert_eq!(DeadlineKind::ALL.len(), 7);
        assert!(matches!("closing".parse::<CaseStatus>(), Err(DomainError::UnknownValue { what: "status", .. })));
    }
}
