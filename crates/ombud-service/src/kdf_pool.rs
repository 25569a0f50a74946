//! A fixed pool of threads for Argon2id, one per core. Not tokio's blocking
//! pool: that grows to hundreds of threads under load, and every thread that
//! ran a 19 MiB derivation keeps the memory in its own allocator arena. A
//! fixed pool bounds both the concurrency and the memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

type Job = Box<dyn FnOnce() + Send>;

pub(crate) struct KdfPool {
    sender: Mutex<mpsc::Sender<Job>>,
    /// How many jobs were handed to the pool since it started.
    runs: AtomicU64,
}

impl KdfPool {
    pub(crate) fn new(threads: usize) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new().name(format!("ombud-kdf-{i}")).spawn(move || {
                loop {
                    // Holding the lock only while waiting for the next job.
                    let job = match receiver.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })?;
        }
        Ok(Self { sender: Mutex::new(sender), runs: AtomicU64::new(0) })
    }

    pub(crate) fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// Runs `work` on the pool and waits for it without blocking the runtime.
    pub(crate) async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(work());
        });
        self.runs.fetch_add(1, Ordering::Relaxed);
        self.sender.lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::KdfPool;

    #[tokio::test]
    async fn jobs_run_on_the_pool_and_answer() {
        let pool = KdfPool::new(2).expect("pool");
        let results = futures_lite_join(&pool).await;
        assert_eq!(results, vec![Some(1), Some(4), Some(9)]);
    }

    async fn futures_lite_join(pool: &KdfPool) -> Vec<Option<u64>> {
        let (a, b, c) = tokio::join!(pool.run(|| 1u64), pool.run(|| 4u64), pool.run(|| 9u64));
        vec![a, b, c]
    }
}
