//! Name matching against a large directory: building the index, and the cost
//! of matching one named person as reporters write names. Prints figures;
//! asserts nothing about time.

use criterion::{Criterion, criterion_group, criterion_main};
use ombud_domain::{NameIndex, NamedEntry};
use std::hint::black_box;

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单";
const GIVEN: &str =
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲兰凤梅琳建国文斌浩宇欣怡晨阳鑫宁雪婷子轩佳琪思远";

/// `n` people with two- or three-character Chinese names, a third of them also
/// holding an English name, spread over 500 units.
fn directory(n: usize) -> Vec<NamedEntry> {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    (0..n)
        .map(|i| {
            let s = surnames[i % surnames.len()];
            let g1 = given[(i / surnames.len()) % given.len()];
            let g2 = given[(i / (surnames.len() * given.len())) % given.len()];
            let name = if i % 2 == 0 { format!("{s}{g1}") } else { format!("{s}{g1}{g2}") };
            let mut names = vec![name];
            if i % 3 == 0 {
                names.push(format!("Alex{i} Person"));
            }
            NamedEntry { id: format!("E{i}"), names, unit: format!("Unit {}", i % 500) }
        })
        .collect()
}

fn matching(c: &mut Criterion) {
    let people = directory(100_000);
    let started = std::time::Instant::now();
    let index = NameIndex::new(people.clone());
    println!("index of 100,000 people built in {:.2} s", started.elapsed().as_secs_f64());
    let mut group = c.benchmark_group("match one named person, 100,000 people");
    for text in [
        "孙浩",
        "孙浩（销售经理）",
        "Hao Sun",
        "Sun Hao, Sales North manager",
        "Manager Sun from Unit 7",
        "nobody at all",
    ] {
        println!("{text:?}: {} candidates", index.candidates(text).len());
        group.bench_function(text, |b| b.iter(|| index.candidates(black_box(text))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = matching
}
criterion_main!(benches);
