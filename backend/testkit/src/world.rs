//! A signed-in cast on a real local PDS, and Spheres with every kind of member.

use serde_json::{Value, json};

use crate::server::{TestServer, use_testnet};
use crate::xrpc::{Caller, ok};
use crate::{Testnet, sign_in};

/// The cast: owner, admin, member, invited, outsider, anonymous.
pub struct World {
    pub net: Testnet,
    pub server: TestServer,
    pub alice: Caller,
    pub bob: Caller,
    pub carol: Caller,
    pub dave: Caller,
    pub erin: Caller,
}

async fn caller(server: &TestServer, net: &Testnet, name: &'static str) -> anyhow::Result<Caller> {
    let account = net.account(name);
    let signed = sign_in(&server.base, &account.handle, &account.password, true).await?;
    Ok(Caller {
        name,
        sid: Some(signed.sid.ok_or_else(|| anyhow::anyhow!("{name} could not sign in"))?),
        did: account.did.clone(),
    })
}

impl World {
    pub async fn new() -> anyhow::Result<Self> {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(tweak: impl FnOnce(&mut exosphere_core::Config)) -> anyhow::Result<Self> {
        let mut net = Testnet::start().await?;
        net.create_account("dave").await?;
        net.create_account("erin").await?;
        let server = TestServer::start_with(|c| {
            use_testnet(c, &net);
            tweak(c);
        })
        .await?;
        Ok(Self {
            alice: caller(&server, &net, "alice").await?,
            bob: caller(&server, &net, "bob").await?,
            carol: caller(&server, &net, "carol").await?,
            dave: caller(&server, &net, "dave").await?,
            erin: caller(&server, &net, "erin").await?,
            net,
            server,
        })
    }

    /// alice's Sphere with bob as admin, carol as member and dave invited.
    pub async fn sphere(&self, slug: &str, visibility: &str, write_mode: &str) -> anyhow::Result<Value> {
        let s = &self.server;
        let created = ok(
            s,
            &self.alice,
            "site.exosphere.sphere.createSphere",
            json!({ "name": format!("Sphere {slug}"), "slug": slug, "visibility": visibility, "writeMode": write_mode }),
        )
        .await?;
        for (who, role) in [(&self.bob, "admin"), (&self.carol, "member"), (&self.dave, "member")] {
            ok(
                s,
                &self.alice,
                "site.exosphere.sphere.inviteMember",
                json!({ "sphere": slug, "member": who.did, "role": role }),
            )
            .await?;
        }
        for who in [&self.bob, &self.carol] {
            ok(s, who, "site.exosphere.sphere.acceptInvite", json!({ "sphere": slug })).await?;
        }
        Ok(created["sphere"].clone())
    }

    /// Gives `who` a Bluesky profile (the name, and [`crate::PNG`] as avatar)
    /// and has them sign in again, which makes the server read it; the
    /// avatar's path, as views give it.
    pub async fn profile(&self, who: &Caller, display_name: &str) -> anyhow::Result<String> {
        let account = self.net.account(who.name);
        let blob = self.net.set_profile(account, display_name, Some((crate::PNG, "image/png"))).await?;
        let cid = blob.as_ref().and_then(|b| b["ref"]["$link"].as_str()).unwrap_or_default().to_owned();
        sign_in(&self.server.base, &account.handle, &account.password, true).await?;
        Ok(format!("/avatars/{cid}"))
    }

    /// Everyone, with the role they have in [`World::sphere`]'s Spheres.
    pub fn cast(&self) -> Vec<(&'static str, Caller)> {
        vec![
            ("anonymous", Caller::anonymous()),
            ("non-member", self.erin.clone()),
            ("invited", self.dave.clone()),
            ("member", self.carol.clone()),
            ("admin", self.bob.clone()),
            ("owner", self.alice.clone()),
        ]
    }
}
