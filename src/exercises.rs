//! The exercises, as data (like [`crate::catalog`] for the lessons): where
//! each one lives, the chapter section it belongs to, the concept it
//! teaches, and its hint in English and Russian. `cargo run -- exercises`
//! lists them; the runner (`src/runner.rs`) checks, resets and verifies them.
//!
//! The files themselves are under `exercises/`, a workspace of its own:
//! `exercises/<lesson>/<name>/` is one small crate whose `tests/check.rs` is
//! the check, `exercises/.starts/<name>.rs` the file as given and
//! `exercises/.solutions/<name>.rs` a solution.

/// How the exercise fails until its concept is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The file does not compile; the compiler's error is the message.
    Compile,
    /// The file compiles; a test of its functions fails.
    Test,
    /// A program whose output is wrong; the check runs it.
    Output,
}

impl Kind {
    /// A word for the listing, in English.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Compile => "compile",
            Kind::Test => "test",
            Kind::Output => "output",
        }
    }

    /// A word for the listing, in Russian.
    pub fn label_ru(self) -> &'static str {
        match self {
            Kind::Compile => "сборка",
            Kind::Test => "тест",
            Kind::Output => "вывод",
        }
    }
}

/// One exercise: one crate under `exercises/<lesson>/<name>/`.
#[derive(Debug)]
pub struct Exercise {
    /// Its name, also its package name: `cargo run -- check <name>`.
    pub name: &'static str,
    /// The lesson it belongs to (a name of [`crate::catalog::LESSONS`]).
    pub lesson: &'static str,
    /// The heading (without `#`) of the section of `docs/en/<lesson>.md` it practises.
    pub section: &'static str,
    /// The same section's heading in `docs/ru/<lesson>.md`.
    pub section_ru: &'static str,
    /// The concept, in one line (English).
    pub concept: &'static str,
    /// The concept, in one line (Russian).
    pub concept_ru: &'static str,
    /// How it fails as given.
    pub kind: Kind,
    /// The file the learner edits, relative to the exercise's folder.
    pub file: &'static str,
    /// Short enough to do in class (about 5 minutes); otherwise homework.
    pub in_class: bool,
    /// The hint, in English.
    pub hint: &'static str,
    /// The hint, in Russian.
    pub hint_ru: &'static str,
}

impl Exercise {
    /// The chapter it belongs to, in English, relative to the repository's root.
    pub fn chapter(&self) -> String {
        self.chapter_in("en")
    }

    /// The chapter it belongs to in the book of `language` (`en`, `ru`).
    pub fn chapter_in(&self, language: &str) -> String {
        format!("docs/{language}/{}.md", self.lesson)
    }

    /// Its folder, relative to the exercises' root.
    pub fn folder(&self) -> String {
        format!("{}/{}", self.lesson, self.name)
    }

    /// The file the learner edits, relative to the exercises' root.
    pub fn path(&self) -> String {
        format!("{}/{}", self.folder(), self.file)
    }

    /// The file as given, relative to the exercises' root.
    pub fn start(&self) -> String {
        format!(".starts/{}.rs", self.name)
    }

    /// The solution, relative to the exercises' root.
    pub fn solution(&self) -> String {
        format!(".solutions/{}.rs", self.name)
    }
}

/// The exercise named `name`.
pub fn exercise(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|exercise| exercise.name == name)
}

const LIB: &str = "src/lib.rs";
const MAIN: &str = "src/main.rs";

/// Every exercise, by lesson in the order of the course.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "mp-send-result",
        lesson: "multiprocess",
        section: "2. `square`: a result comes back only if the child sends it",
        section_ru: "2. `square`: результат возвращается, только если его отправить",
        concept: "a child's memory is its own: send the result back through its stdout",
        concept_ru: "память потомка принадлежит только ему: верните результат через его stdout",
        kind: Kind::Output,
        file: MAIN,
        in_class: true,
        hint: "In `child`, print the square with `println!`: the parent reads the child's \
               standard output through a pipe, and that is all it ever sees of the child.",
        hint_ru: "В `child` напечатайте квадрат через `println!`: родитель читает стандартный \
                  вывод потомка через канал, и больше ничего из памяти потомка ему не видно.",
    },
    Exercise {
        name: "mp-exit-status",
        lesson: "multiprocess",
        section: "1. `continents`: four child processes",
        section_ru: "1. `continents`: четыре дочерних процесса",
        concept: "waiting for a child gives its exit status: a failed child fails the parent",
        concept_ru: "ожидание потомка даёт его код завершения: упавший потомок — ошибка родителя",
        kind: Kind::Output,
        file: MAIN,
        in_class: false,
        hint: "`child.wait()` returns `io::Result<ExitStatus>`. Check `status.success()`; for a \
               failure, `status.code()` is `Some(3)` here. Remember that one failed, and return \
               `ExitCode::FAILURE` after waiting for all of them.",
        hint_ru: "`child.wait()` возвращает `io::Result<ExitStatus>`. Проверьте `status.success()`; \
                  при неудаче `status.code()` здесь равен `Some(3)`. Запомните, что потомок упал, \
                  и, дождавшись всех, верните `ExitCode::FAILURE`.",
    },
    Exercise {
        name: "mp-cpu-count",
        lesson: "multiprocess",
        section: "3. `cpu-count`: how many processes can run in parallel",
        section_ru: "3. `cpu-count`: сколько процессов могут выполняться параллельно",
        concept: "the CPU count may be unknown: the type says so, and the program falls back",
        concept_ru: "число ядер может быть неизвестно: это видно по типу, и у программы есть запасной вариант",
        kind: Kind::Compile,
        file: MAIN,
        in_class: true,
        hint: "`available_parallelism()` is an `io::Result<NonZeroUsize>`: `.map(|n| n.get())` \
               gives a `usize` inside the `Result`, and `.unwrap_or(1)` the fallback.",
        hint_ru: "`available_parallelism()` возвращает `io::Result<NonZeroUsize>`: `.map(|n| n.get())` \
                  даёт `usize` внутри `Result`, а `.unwrap_or(1)` — запасное значение.",
    },
    Exercise {
        name: "th-fetch-add",
        lesson: "threading",
        section: "3. `race`: a shared counter",
        section_ru: "3. `race`: общий счётчик",
        concept: "a load and a store lose updates; `fetch_add` is one indivisible step",
        concept_ru: "чтение и запись по отдельности теряют обновления; `fetch_add` — один неделимый шаг",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Replace the load, the store and the barrier between them with one \
               `counter.fetch_add(1, Ordering::Relaxed)`; keep a `barrier.wait()` before and after it.",
        hint_ru: "Замените чтение, запись и барьер между ними одним \
                  `counter.fetch_add(1, Ordering::Relaxed)`; оставьте `barrier.wait()` до и после.",
    },
    Exercise {
        name: "th-lock-order",
        lesson: "threading",
        section: "4. `deadlock`: two locks, opposite orders",
        section_ru: "4. `deadlock`: две блокировки в противоположном порядке",
        concept: "one global lock order makes a deadlock impossible",
        concept_ru: "единый порядок захвата блокировок исключает взаимоблокировку",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Lock the account with the lower number first, whatever the direction: \
               `(from.min(to), from.max(to))`.",
        hint_ru: "Всегда захватывайте сначала счёт с меньшим номером, в какую бы сторону ни шёл \
                  перевод: `(from.min(to), from.max(to))`.",
    },
    Exercise {
        name: "th-rc-send",
        lesson: "threading",
        section: "3. `race`: a shared counter",
        section_ru: "3. `race`: общий счётчик",
        concept: "`Rc` is not `Send`; `Arc` shares ownership across threads",
        concept_ru: "`Rc` не `Send`; владение между потоками делит `Arc`",
        kind: Kind::Compile,
        file: LIB,
        in_class: true,
        hint: "The error says `Rc<…>` cannot be sent between threads. `std::sync::Arc` has the \
               same API with an atomic count: swap `Rc` for `Arc` in the import and the two calls.",
        hint_ru: "Ошибка говорит, что `Rc<…>` нельзя передать в другой поток. У `std::sync::Arc` тот же \
                  интерфейс, но счётчик атомарный: замените `Rc` на `Arc` в импорте и в двух вызовах.",
    },
    Exercise {
        name: "th-scope-borrow",
        lesson: "threading",
        section: "`thread::scope`: threads that borrow",
        section_ru: "`thread::scope`: потоки, которые заимствуют",
        concept: "scoped threads end before the scope does, so they may borrow",
        concept_ru: "потоки области заканчиваются раньше неё, поэтому им можно заимствовать",
        kind: Kind::Compile,
        file: LIB,
        in_class: false,
        hint: "Wrap the two spawns and joins in `thread::scope(|scope| { … })` and call \
               `scope.spawn` instead of `thread::spawn`; return the pair from the closure.",
        hint_ru: "Оберните оба запуска и ожидания в `thread::scope(|scope| { … })` и вызывайте \
                  `scope.spawn` вместо `thread::spawn`; пару верните из замыкания.",
    },
    Exercise {
        name: "co-countdown",
        lesson: "coroutine",
        section: "2. `generator`: a function that pauses and keeps its locals",
        section_ru: "2. `generator`: функция, которая приостанавливается и сохраняет локальные переменные",
        concept: "a generator's saved locals are a struct's fields",
        concept_ru: "сохранённые локальные переменные генератора — это поля структуры",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Return `None` when `self.next` is 0; otherwise keep its value, decrement the field, \
               and return the kept value.",
        hint_ru: "Верните `None`, когда `self.next` равно 0; иначе запомните значение, уменьшите \
                  поле и верните запомненное.",
    },
    Exercise {
        name: "co-pending-three",
        lesson: "coroutine",
        section: "3. `hand-polled`: a future, polled by hand",
        section_ru: "3. `hand-polled`: футура, которую опрашивают вручную",
        concept: "a future by hand: `Pending` is a promise to wake",
        concept_ru: "футура вручную: `Pending` — это обещание разбудить",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "After `self.polls += 1`: if `self.polls <= 3`, call `context.waker().wake_by_ref()` \
               and return `Poll::Pending`; otherwise `Poll::Ready(42)`.",
        hint_ru: "После `self.polls += 1`: если `self.polls <= 3`, вызовите \
                  `context.waker().wake_by_ref()` и верните `Poll::Pending`; иначе `Poll::Ready(42)`.",
    },
    Exercise {
        name: "co-timer-loop",
        lesson: "coroutine",
        section: "4. `event-loop`: an event loop from scratch",
        section_ru: "4. `event-loop`: цикл событий с нуля",
        concept: "an event loop with timers: jump to the earliest deadline, wake what is due",
        concept_ru: "таймеры в цикле событий: перейти к ближайшему сроку и разбудить тех, чей срок настал",
        kind: Kind::Test,
        file: LIB,
        in_class: false,
        hint: "Borrow `self.clock.timers`; find the smallest deadline (none: return); set \
               `self.clock.now` to it; take out the timers due by then (`drain(..)` and \
               `partition`), release the borrow, and call `wake()` on each waker. Then loop again.",
        hint_ru: "Возьмите `self.clock.timers`; найдите наименьший срок (если таймеров нет — выход); \
                  передвиньте `self.clock.now` на него; заберите наступившие таймеры (`drain(..)` и \
                  `partition`), отпустите заимствование и вызовите `wake()` у каждого. Затем новый круг.",
    },
    Exercise {
        name: "aio-blocking-sleep",
        lesson: "async-io",
        section: "The mistake: a blocking call inside async code",
        section_ru: "Ошибка: блокирующий вызов внутри асинхронного кода",
        concept: "a blocking sleep stalls every task on the thread; an async sleep yields",
        concept_ru: "блокирующий сон останавливает все задачи потока; асинхронный уступает поток",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Replace `std::thread::sleep(…)` with `tokio::time::sleep(…).await`.",
        hint_ru: "Замените `std::thread::sleep(…)` на `tokio::time::sleep(…).await`.",
    },
    Exercise {
        name: "aio-chain-join",
        lesson: "async-io",
        section: "3. `chain`: in order inside, side by side outside",
        section_ru: "3. `chain`: по порядку внутри, бок о бок снаружи",
        concept: "start the chains first, then await them: they run concurrently",
        concept_ru: "сначала запустить цепочки, потом ждать: тогда они идут одновременно",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Collect `tokio::spawn(chain(n))` for every number into a `Vec` of handles first, \
               then await each handle in order (`handle.await.unwrap()`).",
        hint_ru: "Сначала соберите в `Vec` дескрипторы `tokio::spawn(chain(n))` для всех чисел, \
                  потом дождитесь каждого по порядку (`handle.await.unwrap()`).",
    },
    Exercise {
        name: "aio-await-future",
        lesson: "async-io",
        section: "4. `read-file`: a future does nothing until awaited",
        section_ru: "4. `read-file`: футура ничего не делает, пока её не дождутся",
        concept: "calling an async fn builds a future; only `.await` runs it",
        concept_ru: "вызов async-функции лишь создаёт футуру; выполняет её только `.await`",
        kind: Kind::Output,
        file: MAIN,
        in_class: true,
        hint: "The warning says futures do nothing unless awaited: write \
               `save(\"groceries\").await;` and `save(\"homework\").await;`.",
        hint_ru: "Предупреждение говорит, что футура ничего не делает, пока её не дождутся: \
                  напишите `save(\"groceries\").await;` и `save(\"homework\").await;`.",
    },
    Exercise {
        name: "aio-spawn-static",
        lesson: "async-io",
        section: "N counters as tasks",
        section_ru: "N счётчиков как задачи",
        concept: "a spawned task may outlive its caller: it owns its data (`'static`)",
        concept_ru: "запущенная задача может пережить вызывающего: данные должны быть её собственными (`'static`)",
        kind: Kind::Compile,
        file: LIB,
        in_class: false,
        hint: "Before the spawn, `let name = name.clone();`: the `async move` block then owns a \
               `String` instead of borrowing the caller's slice.",
        hint_ru: "Перед запуском задачи напишите `let name = name.clone();`: тогда блок `async move` \
                  владеет своей строкой `String`, а не заимствует срез вызывающего.",
    },
    Exercise {
        name: "q-bounded",
        lesson: "queue",
        section: "Back-pressure: `--capacity`",
        section_ru: "Обратное давление: `--capacity`",
        concept: "a bounded queue makes a fast producer wait (back-pressure)",
        concept_ru: "ограниченная очередь заставляет быстрого производителя ждать",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Use `mpsc::channel(CAPACITY)` instead of `unbounded_channel()`, and \
               `sender.send(item).await` (a bounded send waits for room).",
        hint_ru: "Возьмите `mpsc::channel(CAPACITY)` вместо `unbounded_channel()` и пишите \
                  `sender.send(item).await`: отправка в ограниченную очередь ждёт места.",
    },
    Exercise {
        name: "q-close",
        lesson: "queue",
        section: "Shutdown: closing the queue",
        section_ru: "Завершение: закрыть очередь",
        concept: "a queue closes when its last sender is dropped",
        concept_ru: "очередь закрывается, когда уничтожен последний отправитель",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "The producers own clones; the original `sender` still lives in `run`. \
               `drop(sender);` before the receiving loop.",
        hint_ru: "У производителей свои клоны, а исходный `sender` всё ещё жив в `run`. \
                  Напишите `drop(sender);` перед циклом приёма.",
    },
    Exercise {
        name: "q-shared-receiver",
        lesson: "queue",
        section: "2. `threads`: the same program on OS threads",
        section_ru: "2. `threads`: та же программа на потоках ОС",
        concept: "std's channel has one receiver: share it behind `Arc<Mutex<…>>`",
        concept_ru: "у канала std один получатель: делите его через `Arc<Mutex<…>>`",
        kind: Kind::Compile,
        file: LIB,
        in_class: false,
        hint: "`let receiver = Arc::new(Mutex::new(receiver));`, clone the `Arc` per thread, and \
               take an item with `let next = receiver.lock().unwrap().recv();` (one statement, \
               so the lock is released before the item is used).",
        hint_ru: "`let receiver = Arc::new(Mutex::new(receiver));`, клонируйте `Arc` для каждого \
                  потока и берите элемент так: `let next = receiver.lock().unwrap().recv();` — \
                  отдельной инструкцией, чтобы блокировка снималась до работы с элементом.",
    },
    Exercise {
        name: "pool-job-send",
        lesson: "pool",
        section: "3. What a pool is",
        section_ru: "3. Что такое пул",
        concept: "a pool's job crosses threads: `Box<dyn FnOnce() + Send + 'static>`",
        concept_ru: "задание пула переходит в другой поток: `Box<dyn FnOnce() + Send + 'static>`",
        kind: Kind::Compile,
        file: LIB,
        in_class: true,
        hint: "Add the two bounds the compiler asks for to the `Job` type: `+ Send + 'static`.",
        hint_ru: "Добавьте к типу `Job` две границы, которых просит компилятор: `+ Send + 'static`.",
    },
    Exercise {
        name: "pool-chunked-map",
        lesson: "pool",
        section: "4. `map`: a few large tasks instead of many small ones",
        section_ru: "4. `map`: несколько больших задач вместо множества маленьких",
        concept: "per-row `apply` becomes chunked `map`: one task per worker",
        concept_ru: "`apply` по строке превращается в `map` кусками: по задаче на воркера",
        kind: Kind::Test,
        file: LIB,
        in_class: false,
        hint: "`let size = rows.len().div_ceil(workers.max(1)).max(1);` then spawn one scoped \
               thread per `rows.chunks(size)`, each returning a `Vec<f64>`; `flat_map` the joins.",
        hint_ru: "`let size = rows.len().div_ceil(workers.max(1)).max(1);`, затем по одному потоку \
                  на каждый кусок `rows.chunks(size)`, каждый возвращает `Vec<f64>`; результаты \
                  соедините через `flat_map`.",
    },
    Exercise {
        name: "pool-by-index",
        lesson: "pool",
        section: "6. `apply-async`: results out of order, placed by index",
        section_ru: "6. `apply-async`: результаты вразнобой, по местам по индексу",
        concept: "results arrive in completion order: place each by its index",
        concept_ru: "результаты приходят в порядке готовности: ставьте каждый на место по индексу",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Send `(index, input * input)`; on the receiving side make `vec![0; inputs.len()]` \
               and set `results[index] = square` for each pair.",
        hint_ru: "Отправляйте `(index, input * input)`; на стороне приёма создайте \
                  `vec![0; inputs.len()]` и для каждой пары присвойте `results[index] = square`.",
    },
    Exercise {
        name: "dist-job-data",
        lesson: "distributed",
        section: "Bad payloads, bad flags",
        section_ru: "Плохие полезные нагрузки, плохие флаги",
        concept: "a job is data from outside: parse it, and refuse garbage with a reason",
        concept_ru: "задание — данные извне: разберите их, а мусор отклоните с объяснением",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "Use `let Some((name, argument)) = payload.split_once(' ') else { return Err(…) };`, \
               `argument.parse().map_err(|e| …)?`, and `_ => Err(…)` for an unknown name.",
        hint_ru: "Пишите `let Some((name, argument)) = payload.split_once(' ') else { return Err(…) };`, \
                  `argument.parse().map_err(|e| …)?` и `_ => Err(…)` для незнакомого имени.",
    },
    Exercise {
        name: "dist-reliable-take",
        lesson: "distributed",
        section: "A killed worker's job is not done again",
        section_ru: "Задание убитого воркера не выполняется заново",
        concept: "take a job by moving it to a `processing` list, not by popping it",
        concept_ru: "брать задание переносом в список `processing`, а не извлечением",
        kind: Kind::Test,
        file: LIB,
        in_class: true,
        hint: "`queues.move_first(\"jobs\", \"processing\")` (Redis' LMOVE) instead of `pop`.",
        hint_ru: "`queues.move_first(\"jobs\", \"processing\")` (LMOVE в Redis) вместо `pop`.",
    },
    Exercise {
        name: "dist-idempotent",
        lesson: "distributed",
        section: "A job ends once",
        section_ru: "Задание кончается один раз",
        concept: "a job delivered twice must count once: mark it done with SET NX",
        concept_ru: "задание, доставленное дважды, учитывается один раз: отметка через SET NX",
        kind: Kind::Test,
        file: LIB,
        in_class: false,
        hint: "`if store.set_nx(&format!(\"done:{job_id}\")) { store.incr_by(\"total\", amount); }` \
               (Redis is simulated by a HashMap here; on a server both steps go in one Lua script).",
        hint_ru: "`if store.set_nx(&format!(\"done:{job_id}\")) { store.incr_by(\"total\", amount); }` \
                  (здесь Redis заменён на HashMap; на сервере оба шага идут в одном Lua-скрипте).",
    },
    Exercise {
        name: "dist-select-cancel",
        lesson: "distributed",
        section: "Ctrl-C, once and twice",
        section_ru: "Ctrl-C, один раз и два",
        concept: "cancel a slow job with `select!`, and put the job back so nothing is lost",
        concept_ru: "отменить медленное задание через `select!` и вернуть его в очередь, чтобы ничего не потерять",
        kind: Kind::Test,
        file: LIB,
        in_class: false,
        hint: "`tokio::select! { () = run(&job) => done.push(job), _ = &mut stop => { \
               queue.lock().unwrap().push_front(job); return done; } }`",
        hint_ru: "`tokio::select! { () = run(&job) => done.push(job), _ = &mut stop => { \
                  queue.lock().unwrap().push_front(job); return done; } }`",
    },
];
