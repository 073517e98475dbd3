//! The interpreter and the typed kernels against a plain reference, and
//! the interpreter's dynamic errors. Runs on the host and in headless
//! Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::rc::Rc;

use kernels::typed::{Env, Expr, Op, VARIANTS, Value, eval, exec, generate, program};

#[test]
fn every_variant_sums_the_squares_of_the_first_n() {
    let data = generate(1001, 7);
    for n in [0, 1, 7, 8, 9, 1000, 1001] {
        let mut expected = 0.0;
        for x in &data[..n] {
            expected += x * x;
        }
        for (name, kernel) in VARIANTS {
            assert_eq!(kernel(&data, n), expected, "{name} at n = {n}");
        }
    }
    assert!(
        data.iter()
            .all(|x| x.fract() == 0.0 && (0.0..1000.0).contains(x))
    );
}

#[test]
fn the_interpreter_checks_types_and_names_at_run_time() {
    let mut env = Env::new();
    env.insert("x".into(), Rc::new(Value::Int(2)));
    let product = Expr::Binary(
        Op::Mul,
        Box::new(Expr::Name("x")),
        Box::new(Expr::Const(Rc::new(Value::Float(1.5)))),
    );
    assert!(matches!(*eval(&product, &env).unwrap(), Value::Float(3.0)));
    let missing = Expr::Name("y");
    assert_eq!(
        eval(&missing, &env).unwrap_err(),
        "NameError: name 'y' is not defined"
    );
    // The program without `data` fails the way Python's would.
    env.insert("n".into(), Rc::new(Value::Int(1)));
    assert_eq!(
        exec(&program(), &mut env).unwrap_err(),
        "NameError: name 'data' is not defined"
    );
}
