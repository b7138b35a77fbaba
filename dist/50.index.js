export const id = 50;
export const ids = [50];
export const modules = {

/***/ 8050: // ./node_modules/@vercel/ncc/dist/ncc/@@notfound.js?kerberos
/***/ ((module) => {

module.exports = eval("require")("kerberos");


/***/ })

};
