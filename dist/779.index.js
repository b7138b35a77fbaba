export const id = 779;
export const ids = [779];
export const modules = {

/***/ 7779: // ../../main/node_modules/@vercel/ncc/dist/ncc/@@notfound.js?kerberos
/***/ ((module) => {

module.exports = eval("require")("kerberos");


/***/ })

};
