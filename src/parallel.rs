//! Work spread over the machine's cores, with results kept in order.

use std::sync::Mutex;

/// `work` applied to each item on every core: [`map_on`] as many threads as there are cores.
pub fn map<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    map_on(cores(), items, work)
}

/// `work` applied to each of many small items on every core, in runs of `per_task` items so
/// that handing out work costs little beside it; the results come back in the items' order.
pub(crate) fn map_small<T: Send, R: Send>(
    items: Vec<T>,
    per_task: usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let per_task = per_task.max(1);
    let mut runs = Vec::with_capacity(items.len().div_ceil(per_task));
    let mut items = items.into_iter();
    loop {
        let run: Vec<T> = items.by_ref().take(per_task).collect();
        if run.is_empty() {
            break;
        }
        runs.push(run);
    }
    map(runs, |run| run.into_iter().map(&work).collect::<Vec<R>>())
        .into_iter()
        .flatten()
        .collect()
}

/// The machine's cores (1 if unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `work` applied to each item on up to `threads` threads, each taking the next item when
/// it is free, so that uneven items (files of different sizes, costly lint rules) keep every
/// thread busy; the results come back in the items' order. One thread works in place.
pub fn map_on<T: Send, R: Send>(
    threads: usize,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().map(work).collect();
    }
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let next = || {
        queue
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .next()
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    std::iter::from_fn(next)
                        .map(|(index, item)| (index, work(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    debug_assert_eq!(done.len(), count);
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = super::map(items, |item| {
            if item % 7 == 0 {
                std::thread::yield_now();
            }
            item * item
        });
        assert_eq!(
            squares,
            (0..1000).map(|item| item * item).collect::<Vec<_>>()
        );
    }
}
