//! Bonus exercise B, "Cython basics": one numeric loop, the sum of the
//! squares of the first `n` numbers of an array, run the way Python runs it
//! and then with what Cython's static types buy, step by step.
//!
//! The naive variant runs this program in a small dynamically typed
//! interpreter, as CPython would:
//!
//! ```text
//! total = 0.0
//! i = 0
//! while i < n:
//!     total = total + data[i] * data[i]
//!     i = i + 1
//! ```
//!
//! The numbers are whole (0 … 999) stored as `f64`, so every variant's sum
//! is exact whatever order it adds in, and the variants compare exactly.

use std::collections::HashMap;
use std::rc::Rc;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use wide::f64x2;

/// A sum-of-squares kernel over `data[..n]`.
pub type Kernel = fn(&[f64], usize) -> f64;

/// Every variant by name, the interpreted naive one first.
pub const VARIANTS: [(&str, Kernel); 4] = [
    ("naive", naive),
    ("typed", typed),
    ("unchecked", unchecked),
    ("simd", simd),
];

/// `n` whole numbers in `0 … 999`, as floats, reproducible from `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64::seed_from_u64(seed);
    (0..n)
        .map(|_| f64::from(rng.random_range(0u32..1000)))
        .collect()
}

/// A value of the interpreted language. Every value lives in its own heap
/// box (`Rc`), as every Python object does.
#[derive(Debug)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A list of boxed values.
    List(Vec<Rc<Value>>),
    /// A truth value.
    Bool(bool),
}

/// An expression.
pub enum Expr {
    /// A variable, looked up by name when evaluated.
    Name(&'static str),
    /// A literal.
    Const(Rc<Value>),
    /// `list[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// A binary operation, dispatched on the operands' types when evaluated.
    Binary(Op, Box<Expr>, Box<Expr>),
}

/// The operators the program uses.
#[derive(Clone, Copy)]
pub enum Op {
    /// `+`
    Add,
    /// `*`
    Mul,
    /// `<`
    Less,
}

/// A statement.
pub enum Stmt {
    /// `name = expr`
    Assign(&'static str, Expr),
    /// `while condition: body`
    While(Expr, Vec<Stmt>),
}

/// Variables by name: a dictionary, like a Python frame's.
pub type Env = HashMap<String, Rc<Value>>;

fn name(n: &'static str) -> Box<Expr> {
    Box::new(Expr::Name(n))
}

fn binary(op: Op, a: Box<Expr>, b: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Binary(op, a, b))
}

/// The program of the module documentation, as a syntax tree.
pub fn program() -> Vec<Stmt> {
    let data_i = || Box::new(Expr::Index(name("data"), name("i")));
    vec![
        Stmt::Assign("total", Expr::Const(Rc::new(Value::Float(0.0)))),
        Stmt::Assign("i", Expr::Const(Rc::new(Value::Int(0)))),
        Stmt::While(
            *binary(Op::Less, name("i"), name("n")),
            vec![
                Stmt::Assign(
                    "total",
                    *binary(Op::Add, name("total"), binary(Op::Mul, data_i(), data_i())),
                ),
                Stmt::Assign(
                    "i",
                    *binary(
                        Op::Add,
                        name("i"),
                        Box::new(Expr::Const(Rc::new(Value::Int(1)))),
                    ),
                ),
            ],
        ),
    ]
}

/// Evaluates an expression: every step checks types at run time and boxes
/// its result.
pub fn eval(expr: &Expr, env: &Env) -> Result<Rc<Value>, String> {
    match expr {
        Expr::Name(n) => env
            .get(*n)
            .cloned()
            .ok_or_else(|| format!("NameError: name '{n}' is not defined")),
        Expr::Const(value) => Ok(value.clone()),
        Expr::Index(list, index) => match (&*eval(list, env)?, &*eval(index, env)?) {
            (Value::List(items), Value::Int(i)) => items
                .get(*i as usize)
                .cloned()
                .ok_or_else(|| "IndexError: list index out of range".to_string()),
            _ => Err("TypeError: list indices must be integers".into()),
        },
        Expr::Binary(op, a, b) => {
            let (a, b) = (eval(a, env)?, eval(b, env)?);
            let value = match (op, &*a, &*b) {
                (Op::Add, Value::Int(x), Value::Int(y)) => Value::Int(x + y),
                (Op::Mul, Value::Int(x), Value::Int(y)) => Value::Int(x * y),
                (Op::Less, Value::Int(x), Value::Int(y)) => Value::Bool(x < y),
                (op, x, y) => {
                    let (x, y) = (as_float(x)?, as_float(y)?);
                    match op {
                        Op::Add => Value::Float(x + y),
                        Op::Mul => Value::Float(x * y),
                        Op::Less => Value::Bool(x < y),
                    }
                }
            };
            Ok(Rc::new(value))
        }
    }
}

fn as_float(value: &Value) -> Result<f64, String> {
    match value {
        Value::Int(x) => Ok(*x as f64),
        Value::Float(x) => Ok(*x),
        _ => Err("TypeError: unsupported operand type".into()),
    }
}

/// Runs statements, storing every assignment in the dictionary by name.
pub fn exec(statements: &[Stmt], env: &mut Env) -> Result<(), String> {
    for statement in statements {
        match statement {
            Stmt::Assign(n, expr) => {
                let value = eval(expr, env)?;
                env.insert((*n).to_string(), value);
            }
            Stmt::While(condition, body) => loop {
                match &*eval(condition, env)? {
                    Value::Bool(true) => exec(body, env)?,
                    Value::Bool(false) => break,
                    _ => return Err("TypeError: condition is not a bool".into()),
                }
            },
        }
    }
    Ok(())
}

/// The program interpreted: the data becomes a list of boxed floats, then
/// every operation looks its variables up by name, checks its operands'
/// types and allocates its result.
pub fn naive(data: &[f64], n: usize) -> f64 {
    let mut env = Env::new();
    env.insert(
        "data".into(),
        Rc::new(Value::List(
            data.iter().map(|&x| Rc::new(Value::Float(x))).collect(),
        )),
    );
    env.insert("n".into(), Rc::new(Value::Int(n as i64)));
    exec(&program(), &mut env).expect("the program is well typed");
    match env.get("total").map(|v| &**v) {
        Some(Value::Float(total)) => *total,
        other => panic!("total is {other:?}"),
    }
}

/// Static types, as `cdef double total; cdef Py_ssize_t i` in Cython: the
/// values sit unboxed in registers and the operations are single
/// instructions. The index still is checked against the array's length on
/// every step, because `n` comes from outside.
pub fn typed(data: &[f64], n: usize) -> f64 {
    let mut total = 0.0;
    let mut i = 0;
    while i < n {
        total += data[i] * data[i];
        i += 1;
    }
    total
}

/// Without bounds checks in the loop, as Cython's `@boundscheck(False)`:
/// one check up front (slicing `data[..n]`), then an iterator the compiler
/// knows stays in bounds.
pub fn unchecked(data: &[f64], n: usize) -> f64 {
    data[..n].iter().map(|x| x * x).sum()
}

/// Two lanes per instruction (`f64x2`, SIMD128) and four independent
/// accumulators. The compiler may not do this itself: floating-point
/// addition is not associative, so reordering the sum changes the result
/// in general (here the numbers are whole and every order is exact).
pub fn simd(data: &[f64], n: usize) -> f64 {
    let data = &data[..n];
    let mut lanes = [f64x2::ZERO; 4];
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        for (lane, pair) in lanes.iter_mut().zip(block.chunks_exact(2)) {
            let x = f64x2::new([pair[0], pair[1]]);
            *lane += x * x;
        }
    }
    let sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    let [a, b] = sum.to_array();
    a + b + blocks.remainder().iter().map(|x| x * x).sum::<f64>()
}
