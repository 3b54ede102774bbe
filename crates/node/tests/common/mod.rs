//! A real three-node consortium for tests (see `sharestat_node::local`).
#![allow(dead_code)]
pub use sharestat_node::local::LocalConsortium;

pub struct TestConsortium {
    pub c: LocalConsortium,
    _dir: tempfile::TempDir,
}

impl std::ops::DerefMut for TestConsortium {
    fn deref_mut(&mut self) -> &mut LocalConsortium {
        &mut self.c
    }
}

impl std::ops::Deref for TestConsortium {
    type Target = LocalConsortium;
    fn deref(&self) -> &LocalConsortium {
        &self.c
    }
}

/// Starts three nodes with the given job timeout.
pub async fn start(job_timeout_secs: u64) -> TestConsortium {
    let dir = tempfile::tempdir().unwrap();
    let c = LocalConsortium::start(&dir.path().join("c"), job_timeout_secs)
        .await
        .unwrap();
    TestConsortium { c, _dir: dir }
}

impl TestConsortium {
    pub async fn study(&self, id: &str) {
        let dict = sharestat_node::local::integer_dictionary(id, &["age"]);
        self.c
            .create_study(id, &dict, "min_cell = 5\n")
            .await
            .unwrap();
    }

    pub async fn user(
        &self,
        name: &str,
        role: &str,
        study: Option<&str>,
        site: Option<&str>,
    ) -> String {
        self.c.add_user(name, role, study, site).await.unwrap()
    }

    /// Deals `values` as one integer column `age` and uploads each node's shares as `owner`.
    pub async fn upload(&self, owner: &str, study: &str, site: &str, name: &str, values: &[i64]) {
        let clients: Vec<_> = (0..3).map(|i| self.c.client(i, owner)).collect();
        sharestat_node::local::upload_dealt(&clients, study, site, name, "age", values)
            .await
            .unwrap();
    }

    pub async fn shutdown(self) {
        self.c.shutdown().await;
    }
}
