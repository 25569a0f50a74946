//! The schema, written once for both dialects. A migration in
//! `migrations/` names its dialect-dependent types as `{bigint}` (a 64-bit
//! integer) and `{bytes}` (a byte string), and its dialect as `{dialect}`;
//! each dialect renders them into exactly the text it has always run, so
//! databases migrated before the two sets were merged keep their checksums.
//! Never edit a migration that has shipped: add a new one.

use crate::Dialect;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};
use std::borrow::Cow;

/// (version, description, template), in order.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "ledger", include_str!("../migrations/0002_ledger.sql")),
    (3, "deadlines", include_str!("../migrations/0003_deadlines.sql")),
    (4, "outbox", include_str!("../migrations/0004_outbox.sql")),
    (5, "workflow", include_str!("../migrations/0005_workflow.sql")),
    (6, "staff time zone", include_str!("../migrations/0006_staff_time_zone.sql")),
    (7, "inbox index", include_str!("../migrations/0007_inbox_index.sql")),
    (8, "directory", include_str!("../migrations/0008_directory.sql")),
    (9, "routing", include_str!("../migrations/0009_routing.sql")),
    (10, "feedback", include_str!("../migrations/0010_feedback.sql")),
    (11, "outcomes", include_str!("../migrations/0011_outcomes.sql")),
    (12, "form tokens", include_str!("../migrations/0012_form_tokens.sql")),
    (13, "pause approval", include_str!("../migrations/0013_pause_approval.sql")),
    (14, "daily work", include_str!("../migrations/0014_daily_work.sql")),
    (15, "inbox", include_str!("../migrations/0015_inbox.sql")),
    (16, "escalation resolution", include_str!("../migrations/0016_escalation_resolution.sql")),
    (17, "interim measures", include_str!("../migrations/0017_interim_measures.sql")),
    (18, "step outcomes", include_str!("../migrations/0018_step_outcomes.sql")),
    (19, "related cases", include_str!("../migrations/0019_related_cases.sql")),
    (20, "label order", include_str!("../migrations/0020_label_order.sql")),
    (21, "staff accounts", include_str!("../migrations/0021_staff_accounts.sql")),
    (22, "role grants", include_str!("../migrations/0022_role_grants.sql")),
    (23, "second factor", include_str!("../migrations/0023_second_factor.sql")),
    (24, "recovery", include_str!("../migrations/0024_recovery.sql")),
    (25, "retaliation", include_str!("../migrations/0025_retaliation.sql")),
    (26, "protection and reminders", include_str!("../migrations/0026_protection_reminders.sql")),
    (27, "directory identifiers", include_str!("../migrations/0027_directory_identifiers.sql")),
    (28, "directory links", include_str!("../migrations/0028_directory_links.sql")),
    (29, "sessions", include_str!("../migrations/0029_sessions.sql")),
    (30, "inbox orders", include_str!("../migrations/0030_inbox_orders.sql")),
    (31, "sign-in failures", include_str!("../migrations/0031_sign_in_failures.sql")),
    (32, "no record downloads", include_str!("../migrations/0032_no_record_downloads.sql")),
];

/// A migration's text for one dialect.
fn render(template: &str, dialect: Dialect) -> String {
    let (bigint, bytes, name) = match dialect {
        Dialect::Sqlite => ("INTEGER", "BLOB", "SQLite"),
        Dialect::Postgres => ("BIGINT", "BYTEA", "PostgreSQL"),
    };
    template.replace("{bigint}", bigint).replace("{bytes}", bytes).replace("{dialect}", name)
}

/// The newest migration this build knows: a database behind it is not ready.
pub(crate) const LATEST_MIGRATION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Every migration, rendered for one dialect.
pub(crate) fn migrator(dialect: Dialect) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, template)| {
                let sql = AssertSqlSafe(render(template, dialect));
                Migration::new(*version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The SHA-384 of each migration as it shipped, per dialect: a database
    /// migrated by an earlier release refuses to start if any text changed.
    const SHIPPED: &[(&str, &str)] = &[
        (
            "327d6192e09fc235a3e88e7c5ba7d0d48e4de75231ed2c164371bb092e9156d6c141be02c9ed5a083585cfa584bd6d2d",
            "b420ff6d8fad6f675763b6a459d2416665dae8ce8092c742c7fb7d1db6548973a0b2ebd7e3da93f524fdde92105ff2f6",
        ),
        (
            "dfd5a0dcc9d393d7808de0844c8dfa9591d641b0786852ed411d4ab42ff65495d8e1b3ffa6608981745e522643c290b9",
            "67e9d57b4585ebb48fbcaa92aa4363af881a90666c0e134ddea95bdcbf1c159801321407a1be69cd9d3f1f105146da29",
        ),
        (
            "d48bc69ec2544e24e8ab00f842b6fa74aed5749fce495598a36900baba0e79dea9500438b96d2fc29c6fec26b7faccf0",
            "96ce673af78e9c556241bb52c0375ba2aedd1dd976f58a7c94185c78bab50decedb9d139d9556cc88d42a09f33b8f1f4",
        ),
        (
            "e11d662dda0bbabae7bf2a8501b2fb5da81fbe4be76e5532213fdd5a9bee9bbeda2c401c10f8fb41741b448294beb1c5",
            "ddc143971d29744f07cb24b8eff4c754b5852071eebbd44c8c5c3d546d2c62e2737cf47fd987570265165bff7a198a3e",
        ),
        (
            "1e63ab55e0d637bc6a07dd8e9396a3b101bf3d32a6aeac25fa06591bc8e36c5ccc381f82704ede73cff214d5600d8f6f",
            "408b64e396f8cff57bb433e535642eecb27944555cf0133fdbccf1a2805fa5b3b7d608ed25898c4fac880b76810b1e25",
        ),
        (
            "583e15a21f759ec81f3f7fb5bd48f2ca8c217365b27f8499c98b404358130e5043320b6c8e88f2b1a92a4c8f821b94f7",
            "583e15a21f759ec81f3f7fb5bd48f2ca8c217365b27f8499c98b404358130e5043320b6c8e88f2b1a92a4c8f821b94f7",
        ),
        (
            "d246ba2883102323c5db6943ade0fbbee96047e74596dc0607f1cdeb99e682df5d1a698d1973d736baedb23c97f20b22",
            "d246ba2883102323c5db6943ade0fbbee96047e74596dc0607f1cdeb99e682df5d1a698d1973d736baedb23c97f20b22",
        ),
        (
            "d03faebda6940309345a1c47e3894ef78f1e8c6d655229dfa250c1af3d53e37f35f51972b874c73e7b38e3b7faccded1",
            "d9a83c8be1626dd372d1ec900675d5c9a311f6298b3ff060d95881344f3801fdbe21749c6a489d9ac46673d5b67db10e",
        ),
        (
            "28e13c0d413f2827089c317443ee20241c649114d1dac03dcb6e8d8b13faaf24ac6d62ba14ed16b6fbece7d8452b94de",
            "77f0b553448e0cf5b8d312251625dd69bad08b38da850a3fc4b99d763707e9639010b655bf24dead1aebd4239b1393ab",
        ),
        (
            "9c9e183dc0e7a108720b27ab07bb08264a45569b5f72fadcdbdbc63e8e9db21e7a99b33e877d15e3a8f852345459ad2c",
            "5c35a54d0a1f83fc3744c218bb3468ac4e57dba2e3ac1ec0b511ad94b2463840717700bb274e3fae21fae352b5155f1c",
        ),
        (
            "42f4dae6a2613f0774234d3cc0d829035b04a63e553ca7b4bb83062ad5b45ee2bae3681e34213e6e7ac933aed16f34d2",
            "b2512a70e5394479608fabd4048e47edb140fcff4811c3b6ff4a41f23e8d4a60973037a4e072a57a0d3f7de23ab522a2",
        ),
        (
            "2075e69bb0851236a2c09841c719a952f68e2b7fc1e901d5429745f89d928e4a440c16cab42e6b2be6cb6753afa4187e",
            "9aff0492654ee7d2754fcc4416d13b91199437931bcc6d0a1fd6459d001aa5ab9ef32134b6f0d7bc0c06568982e8efda",
        ),
        (
            "0ce7aa436558fbf43349db61f948184fcf4964f5a4fe68d6adde36c5d9716373f6618e8d6b7687c3bc0ff186209a60ff",
            "bab75715ed26dad6201c5965fe727e7b44e88132bcdc5c7eac6082f242722bbc859473bfd535379603f340a56ff098b2",
        ),
        (
            "91895beb6c913c1257c17c66ba4dbc79cd503290abe0461862b24c2a6fb7bf08d8445b37c4863db38d19ddd393fb03aa",
            "16cb5f114ae23a5c0bee78596e8de5980c15b27a57b7b1fa9ef25204d857a3b733e315b349556c972aaef5a4244be703",
        ),
        (
            "7ac2b23427beeb013c7d8ef0c876057207e34b0a9d2f7d12bf8b8ddd879dadee78f9d680f814c3463ceb3ea9ccd21b29",
            "1665a4d7c94edb59e279f66b1a76fb95670c767ff5ff600e0a5bea97cf778b6fde58bca72302df94a3ffd1e5a0a32821",
        ),
        (
            "0bd69751c38a37f865c18250251f6ff0f696e0662e50a966f56732e750c07c8cc87118446eca32f5d72c2cbe40dbbf1c",
            "9fc6d308b49922bbefa41d4a99cdba7fb1c6dc16fa49f0ab1b23a5e94cebe3b521bc5644fa6a25d96ddb60876a6c2241",
        ),
        (
            "8b8245b3afb9f639b0b0fd87d037ec4e1a2d6f6faad28ab6bf440833752d50014456ea5d5978a4b9f3d96a7f8b88158e",
            "30d594db21e8d86f7d4a120a02ef99c7d73622070fc73266dc354ff838aa8be7410b21c5671f5cfb840fae3d5d6fe308",
        ),
        (
            "ca3ac2412822563cbfa2f155be6c1dc326511750f5d25727db3b3e28129529a6679e8e45893066cceee954d48e40c4ff",
            "f38e5cdc04fb4be7270d8bcf5ae092f8336ade4b35d63461b4fae04e64edfa4f3d04b4b554559df626fe413b91ea62ab",
        ),
        (
            "ccff663f2118110e47e62ff7921cc14d43c75f9bdca4b54e13ed41077c11b7aba79080f1fec52793a2b44f993d42cb36",
            "bc846e299dc1a7d8f10c1cf9192df4d5e8ce58c4be6af51352182f7855fd4ac20774277f18804cb199f88bbbc2e84f03",
        ),
        (
            "1a17614478eee433250c922693a6369dd3161dc865f0e4423a4cc7ebe08e20c57e1161d4c403c562a8ba4b33e3fa9ee8",
            "234d122e2e7ca7bae81fa24a6a662bbc8a844b0255fa623134c2e8920a8c7f08f32f1e7923eb3fd67f7097ef0c3d9a37",
        ),
        (
            "6a7540360e6733705b8c8c289ffdcdf33f4c8b0dbdcecbdea954b75f0fe4b62f977037d35857a51958dc9850a91b6477",
            "9fda942557c1229fd64685788187281290cb6b8bc63b324fc11e86a27b6165283f33a2d520ccf9530be7ecd784368774",
        ),
        (
            "6c3d790e015629fcd9b710a4c61b4b004192b78b47ee4e44a38f35807f49363568fe3ff20a892f1c40f621a82875bb34",
            "bd4a7771474c5d0cb65b4e4eaa3751ed10a1e95611b17d0a5238dad079c240bcbcb0a8afc8a0aa686f6b1994debdc84f",
        ),
        (
            "e443380253c4310de577d2573ecbb03c862c6861f5feef40689a22182ac96278cc64aa9bbb0faf47f6d3361ede9bc794",
            "5297aaebccad02b04fb5ec1e224e5a244ad21dcacb657d55bf48bc4f88e15e0e6d4cbaa5ecb09efbb88081552ae9590e",
        ),
        (
            "4c2e972d4ebf17fd4e4b0056a784623001aff0da0382299c59fbbc76cd67682f2f5e0ec0134380fd1435e75eefdef426",
            "09e164e723ee496f7bb36fbed5fa1b6948285a98add7c1f603bcf57d205ee9d8e6d92eff1b60cde19e7358683d8da0ec",
        ),
        (
            "5152613fcefe463770888706caa9afa526397b423fccf92926e80d4d51592434c9dac705e2406b1c9df058984946426e",
            "c664b45a0ca9dcb90ec51f9b8f75b4aacbbf6502c0c5e6fa384aedb37467caad210f5069b22a62f9fae46cd311890bad",
        ),
        (
            "5126bd102fc850f03b7e3c4bda2d3ddd8992636eef678bdd8d703dbf9f0af3f535e6395584bc93c1f6c365d18d9b55a5",
            "f5d9850f42fb097f37623e61a041c87860c8ba40fdcddce69286ae685fd1d63aace6bcac7756f197a54be29ec2ee4cfb",
        ),
        (
            "299b729b0da77892a30cf53664980db3bc933d2be97bb200070b26b43a5bb1ecd6231698ed8841bdaf7273b8e0e5e771",
            "299b729b0da77892a30cf53664980db3bc933d2be97bb200070b26b43a5bb1ecd6231698ed8841bdaf7273b8e0e5e771",
        ),
        (
            "30a155a33dbb45e5786a05dcd6c26bbb3a076594e5c050cfbe93bf294fd59491790261360e21011df76c5cd64c653476",
            "30a155a33dbb45e5786a05dcd6c26bbb3a076594e5c050cfbe93bf294fd59491790261360e21011df76c5cd64c653476",
        ),
        (
            "14e3773f5ff85df8f1bfc6511d635ed9826a7d8faf2adc0a8fc04bd11e2746de149e5d254845b667e987e20c49d1d217",
            "2d6c3bea55bb9a6cf7e8492296ad4980f4d93b60bff6e3bfe66156e7debf9ef820b5eabbadfffef537cedb10aa5a8017",
        ),
        (
            "0889f05bc861e432fddba61a6b623c3ebdc3c406b3b0abbb0ec66ca1fcb18547e8a6d76a60266f37dd777a04b5018f4f",
            "a3d53e131dbb6b7e8e2bfef4fed5b6a89ee65944f333079f08f28792a846e2fef764a70b49e6d427c6bc7acb68b3221d",
        ),
        (
            "23f8812e70a351f95fe310d4277faa1a82912668c8ab5738ca5a7d94298f7fbb2d2566e7fc20077c5fd025e23d0378c7",
            "9e9b23bc0116b44b26610adcae66d832914b499b937c4d92287cfed6d7ff20c04ece9d8f43645ca85fc67930ee4dd043",
        ),
        (
            "a256074e76d6289abbbb2d1b208747491713a1ddb54ea86415cadc1972cee8d32f2f8d251be5115a65b2a7d6cf469a95",
            "a256074e76d6289abbbb2d1b208747491713a1ddb54ea86415cadc1972cee8d32f2f8d251be5115a65b2a7d6cf469a95",
        ),
    ];

    #[test]
    fn shipped_migrations_render_to_the_text_that_shipped() {
        let sqlite = migrator(Dialect::Sqlite);
        let postgres = migrator(Dialect::Postgres);
        assert_eq!(sqlite.migrations.len(), SHIPPED.len());
        for ((lite, pg), (want_lite, want_pg)) in sqlite.migrations.iter().zip(postgres.migrations.iter()).zip(SHIPPED)
        {
            assert_eq!(hex(&lite.checksum), *want_lite, "SQLite migration {} changed", lite.version);
            assert_eq!(hex(&pg.checksum), *want_pg, "PostgreSQL migration {} changed", pg.version);
        }
    }

    #[test]
    fn no_placeholder_is_left_unrendered() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            for m in migrator(dialect).migrations.iter() {
                assert!(!m.sql.as_str().contains('{'), "migration {} keeps a placeholder", m.version);
            }
        }
    }
}
