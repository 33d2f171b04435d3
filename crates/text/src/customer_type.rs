//! The reader's names of the customer types. The type itself lives in `kundenwert-core`, which
//! cannot reach the catalog (the catalog builds on it), so its names are added here.

use kundenwert_core::{CustomerType, Lang};

/// The reader's names of a [`CustomerType`], from the catalog.
pub trait CustomerTypeLabel {
    /// The type's name, as `analyze`'s summary shows it and the selection language accepts it
    /// in German: `Wachstum` / `growth`.
    fn label(self, lang: Lang) -> &'static str;

    /// The customers of the type as a group, as a focus plan's scope names them:
    /// `Wachstumskunden` / `growth customers`.
    fn customers_label(self, lang: Lang) -> &'static str;
}

impl CustomerTypeLabel for CustomerType {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            CustomerType::Stable => crate::typology_type_steady(lang),
            CustomerType::Cyclical => crate::typology_type_cyclical(lang),
            CustomerType::Bell => crate::typology_type_bell(lang),
            CustomerType::Growth => crate::typology_type_growth(lang),
            CustomerType::Shrink => crate::typology_type_shrinking(lang),
            CustomerType::Barnacle => crate::typology_type_barnacle(lang),
            CustomerType::Insufficient => crate::typology_type_new(lang),
        }
    }

    fn customers_label(self, lang: Lang) -> &'static str {
        match self {
            CustomerType::Stable => crate::plan_customer_type_steady(lang),
            CustomerType::Cyclical => crate::plan_customer_type_cyclical(lang),
            CustomerType::Bell => crate::plan_customer_type_bell(lang),
            CustomerType::Growth => crate::plan_customer_type_growth(lang),
            CustomerType::Shrink => crate::plan_customer_type_shrinking(lang),
            CustomerType::Barnacle => crate::plan_customer_type_barnacle(lang),
            CustomerType::Insufficient => crate::plan_customer_type_new(lang),
        }
    }
}
