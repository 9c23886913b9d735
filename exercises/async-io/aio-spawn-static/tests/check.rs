use aio_spawn_static::greet_all;

#[tokio::test]
async fn every_task_greets_its_name() {
    let names = vec!["Ada".to_string(), "Grace".to_string()];
    assert_eq!(greet_all(&names).await, ["hello, Ada", "hello, Grace"]);
}
